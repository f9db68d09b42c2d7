package dev.phasegate.server.alert;

import java.time.Instant;

/**
 * Which alerts to list, newest first. Every filter is optional (null).
 *
 * @param since  only alerts open at some time at or after this instant (still open, or resolved since)
 * @param before only alerts with a smaller id (paging)
 * @param limit  at most this many
 */
public record AlertQuery(AlertState state, String rollout, Severity severity, Boolean silenced, Instant since, Long before,
                         int limit) {

    public AlertQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /** The newest {@code limit} alerts. */
    public static AlertQuery newest(int limit) {
        return new AlertQuery(null, null, null, null, null, null, limit);
    }
}
