package dev.phasegate.sdk;

import dev.phasegate.core.plan.Identifiers;

import java.util.Optional;

/**
 * One telemetry event as {@code POST /api/v1/events} takes it. Each kind checks itself against the
 * server's contract before it is queued ({@link #problem()}), with the same key and user-id rules as the
 * server (core's {@link Identifiers}), so an event the server would reject costs no bandwidth.
 */
sealed interface TelemetryEvent {

    /** The server's limit on a feedback comment. */
    int MAX_COMMENT_LENGTH = 2_000;
    /** The server's limit for a request's route (a route template, not a URL with its query). */
    int MAX_ROUTE_LENGTH = 200;

    long timestampMillis();

    String userId();

    String rollout();

    /** Why the event breaks the contract, or empty if it is valid. */
    Optional<Invalid> problem();

    /** Appends the event as one JSON object: only contract fields, absent optional ones left out. */
    void appendJson(StringBuilder out);

    /**
     * Why an event was dropped locally. {@code reason} names the event kind and field (e.g.
     * {@code feedback.rating}) and is what "log once per reason" keys on; {@code detail} is for people.
     */
    record Invalid(String reason, String detail) {
    }

    record Request(long timestampMillis, String userId, String rollout, double latencyMs, boolean ok, String route)
            implements TelemetryEvent {
        @Override
        public Optional<Invalid> problem() {
            return common("request", this).or(() -> {
                if (!Double.isFinite(latencyMs) || latencyMs < 0) {
                    return invalid("request.latency", "latency must be zero or more, was " + millis(latencyMs));
                }
                if (route != null && route.length() > MAX_ROUTE_LENGTH) {
                    return invalid("request.route", "route is " + route.length() + " characters long; at most "
                            + MAX_ROUTE_LENGTH + " are allowed");
                }
                return text("request.route", "route", route);
            });
        }

        @Override
        public void appendJson(StringBuilder out) {
            head(out, "request", this);
            Json.field(out, "latencyMs", latencyMs);
            Json.field(out, "outcome", ok ? "ok" : "error");
            if (route != null) {
                Json.field(out, "route", route);
            }
            out.append('}');
        }
    }

    record Session(long timestampMillis, String userId, String rollout, double durationMs) implements TelemetryEvent {
        @Override
        public Optional<Invalid> problem() {
            return common("session", this).or(() -> !Double.isFinite(durationMs) || durationMs < 0
                    ? invalid("session.duration", "duration must be zero or more, was " + millis(durationMs))
                    : Optional.empty());
        }

        @Override
        public void appendJson(StringBuilder out) {
            head(out, "session", this);
            Json.field(out, "durationMs", durationMs);
            out.append('}');
        }
    }

    record FeatureUsed(long timestampMillis, String userId, String rollout, String feature) implements TelemetryEvent {
        @Override
        public Optional<Invalid> problem() {
            return common("feature_used", this).or(() -> key("feature_used.feature", "feature", feature));
        }

        @Override
        public void appendJson(StringBuilder out) {
            head(out, "feature_used", this);
            Json.field(out, "feature", feature);
            out.append('}');
        }
    }

    record Feedback(long timestampMillis, String userId, String rollout, int rating, String comment) implements TelemetryEvent {
        @Override
        public Optional<Invalid> problem() {
            return common("feedback", this).or(() -> {
                if (rating < 1 || rating > 5) {
                    return invalid("feedback.rating", "rating must be 1 to 5, was " + rating);
                }
                if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
                    return invalid("feedback.comment", "comment must be at most " + MAX_COMMENT_LENGTH
                            + " characters, was " + comment.length());
                }
                return Optional.empty();
            });
        }

        @Override
        public void appendJson(StringBuilder out) {
            head(out, "feedback", this);
            Json.field(out, "rating", rating);
            if (comment != null) {
                Json.field(out, "comment", comment);
            }
            out.append('}');
        }
    }

    record Metric(long timestampMillis, String userId, String rollout, String name, double value) implements TelemetryEvent {
        @Override
        public Optional<Invalid> problem() {
            return common("metric", this).or(() -> key("metric.name", "name", name)).or(() -> Double.isFinite(value)
                    ? Optional.empty()
                    : invalid("metric.value", "value must be a finite number, was " + value + " (metric " + name + ")"));
        }

        @Override
        public void appendJson(StringBuilder out) {
            head(out, "metric", this);
            Json.field(out, "name", name);
            Json.field(out, "value", value);
            out.append('}');
        }
    }

    // ---- shared by the kinds ----

    private static Optional<Invalid> common(String type, TelemetryEvent e) {
        if (e.userId() != null) {
            Optional<String> p = Identifiers.userIdProblem(e.userId());
            if (p.isPresent()) {
                return invalid(type + ".userId", "userId " + p.get());
            }
        }
        return e.rollout() == null ? Optional.empty() : key(type + ".rollout", "rollout", e.rollout());
    }

    private static Optional<Invalid> key(String reason, String field, String value) {
        return Identifiers.keyProblem(value).map(p -> new Invalid(reason, field + " " + p));
    }

    /** Free text that stays in bounds: the user-id rules (printable, at most 256 characters). */
    private static Optional<Invalid> text(String reason, String field, String value) {
        return value == null ? Optional.empty() : Identifiers.userIdProblem(value).map(p -> new Invalid(reason, field + " " + p));
    }

    /** NaN stands for a null Duration (see PhasegateClient). */
    private static String millis(double ms) {
        return Double.isNaN(ms) ? "null" : ms + " ms";
    }

    private static Optional<Invalid> invalid(String reason, String detail) {
        return Optional.of(new Invalid(reason, detail));
    }

    private static void head(StringBuilder out, String type, TelemetryEvent e) {
        out.append('{');
        Json.field(out, "type", type);
        Json.field(out, "timestamp", e.timestampMillis());
        if (e.userId() != null) {
            Json.field(out, "userId", e.userId());
        }
        if (e.rollout() != null) {
            Json.field(out, "rollout", e.rollout());
        }
    }
}
