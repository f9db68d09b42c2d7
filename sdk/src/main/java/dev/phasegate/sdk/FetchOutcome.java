package dev.phasegate.sdk;

import java.time.Duration;

/** What one attempt to fetch rules came to. Expected outcomes are values, not exceptions. */
sealed interface FetchOutcome {

    /** New rules (not yet decoded). */
    record Changed(byte[] body, String etag) implements FetchOutcome {
    }

    /** The rules we have are current (304). */
    record NotModified() implements FetchOutcome {
    }

    /** 401/403: the token is wrong; retrying will not help. */
    record Refused(int status) implements FetchOutcome {
    }

    /** 429: come back after {@code retryAfter}. */
    record RateLimited(Duration retryAfter) implements FetchOutcome {
    }

    /** 5xx, network error, timeout: back off and retry. */
    record Failed(String why) implements FetchOutcome {
    }
}
