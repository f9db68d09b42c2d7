package dev.phasegate.server.token;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A token as listed: never the secret. {@code secret} is filled only in the answer to its creation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Token(String id, String kind, String name, String createdBy, Instant createdAt, Instant revokedAt, String secret) {
}
