package dev.phasegate.server.user;

import java.time.Instant;

/** A person who signs in to the web UI, as listed: never the password hash. */
public record User(String name, String role, Instant createdAt, Instant updatedAt) {
}
