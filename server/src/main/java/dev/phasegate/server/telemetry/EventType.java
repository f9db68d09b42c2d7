package dev.phasegate.server.telemetry;

/** The kinds of telemetry event, as named on the wire. */
enum EventType {
    REQUEST("request"), SESSION("session"), FEATURE_USED("feature_used"), FEEDBACK("feedback"), METRIC("metric");

    final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    static EventType byWireName(String name) {
        return switch (name) {
            case "request" -> REQUEST;
            case "session" -> SESSION;
            case "feature_used" -> FEATURE_USED;
            case "feedback" -> FEEDBACK;
            case "metric" -> METRIC;
            default -> null;
        };
    }
}
