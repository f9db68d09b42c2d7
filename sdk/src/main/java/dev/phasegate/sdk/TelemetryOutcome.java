package dev.phasegate.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** What sending one batch of events came to. Expected outcomes are values, not exceptions. */
sealed interface TelemetryOutcome {

    /** 202: the server stored every event but those at {@code rejectedIndexes} (positions in the batch). */
    record Accepted(Set<Integer> rejectedIndexes, List<Rejection> rejections) implements TelemetryOutcome {
    }

    /** 400, 413, 422: the server will never take this batch; sending it again cannot help. */
    record Refused(int status, String detail) implements TelemetryOutcome {
    }

    /** 401/403: the ingest token is wrong; every batch would fail the same way. */
    record Unauthorized(int status) implements TelemetryOutcome {
    }

    /** 429: come back after {@code retryAfter}, or with backoff when the server did not say. */
    record RateLimited(Duration retryAfter) implements TelemetryOutcome {
    }

    /** 5xx, another status, a network error, a timeout: keep the events and retry with backoff. */
    record Failed(String why) implements TelemetryOutcome {
    }

    /** One event the server rejected, as its 202 answer lists it. */
    record Rejection(int index, String field, String detail) {
    }
}
