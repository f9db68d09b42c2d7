package dev.phasegate.server.notify;

/**
 * A beta user to tell something.
 *
 * @param userId the user's id ({@code {{user}}} in templates)
 * @param email  their enrollment email, or null (then they are skipped)
 */
public record Recipient(String userId, String email) {
}
