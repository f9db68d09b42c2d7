package dev.phasegate.server.enrollment;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;

/**
 * A user's enrollment as the API shows it.
 *
 * @param status      enrolled, waitlisted or left
 * @param joinedPhase the phase in which the user was admitted, or null while waitlisted
 * @param position    1-based place in the waitlist, for waitlisted users in enrollment answers; else null
 * @param created     in an enrollment answer: whether this request created it (false: it existed already)
 */
public record Enrollment(String rollout, String userId, String email, @JsonRawValue String attributes, String status,
                         Integer joinedPhase, Long seq, Integer position, Boolean created, Instant createdAt, Instant updatedAt) {

    Enrollment withCreated(boolean value) {
        return new Enrollment(rollout, userId, email, attributes, status, joinedPhase, seq, position, value, createdAt, updatedAt);
    }

    Enrollment withPosition(Integer value) {
        return new Enrollment(rollout, userId, email, attributes, status, joinedPhase, seq, value, created, createdAt, updatedAt);
    }
}
