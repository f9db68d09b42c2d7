package dev.phasegate.server;

import dev.phasegate.core.plan.Problem;

import java.util.List;

/**
 * The server's one unchecked root exception. Each subclass is an outcome a client must hear about, and
 * maps to an HTTP status in exactly one place ({@code http.ProblemResponses}).
 */
public abstract class PhasegateException extends RuntimeException {

    private final List<Problem> problems;

    protected PhasegateException(String message, List<Problem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** The fields at fault, if the problem is with particular input fields. */
    public List<Problem> problems() {
        return problems;
    }

    /** The input could not be read at all (malformed JSON or YAML, wrong types). HTTP 400. */
    public static final class Malformed extends PhasegateException {
        public Malformed(String message, List<Problem> problems) {
            super(message, problems);
        }
    }

    /** The input was read but breaks a rule. HTTP 422. */
    public static final class Invalid extends PhasegateException {
        public Invalid(String message, List<Problem> problems) {
            super(message, problems);
        }

        public Invalid(Problem problem) {
            super(problem.toString(), List.of(problem));
        }
    }

    /** The input is larger than allowed. HTTP 413. */
    public static final class TooLarge extends PhasegateException {
        public TooLarge(Problem problem) {
            super(problem.toString(), List.of(problem));
        }
    }

    /** Something named does not exist. HTTP 404. */
    public static final class NotFound extends PhasegateException {
        public NotFound(String message) {
            super(message, List.of());
        }
    }

    /** The request conflicts with the current state (a refused transition, an invariant). HTTP 409. */
    public static final class Conflict extends PhasegateException {
        public Conflict(String message, List<Problem> problems) {
            super(message, problems);
        }

        public Conflict(String message) {
            super(message, List.of());
        }
    }

    /** No or unknown credentials. HTTP 401. */
    public static final class Unauthenticated extends PhasegateException {
        public Unauthenticated(String message) {
            super(message, List.of());
        }
    }

    /** Known credentials that may not do this. HTTP 403. */
    public static final class Forbidden extends PhasegateException {
        public Forbidden(String message) {
            super(message, List.of());
        }
    }

    /** The caller is over a rate limit. HTTP 429 with {@code Retry-After}. */
    public static final class TooManyRequests extends PhasegateException {
        private final long retryAfterSeconds;

        public TooManyRequests(String message, long retryAfterSeconds) {
            super(message, List.of());
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** Whole seconds until the caller may try again (at least 1). */
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** The store could not be reached or kept failing after retries. HTTP 503. */
    public static final class Unavailable extends PhasegateException {
        public Unavailable(String message, Throwable cause) {
            super(message, List.of());
            initCause(cause);
        }
    }
}
