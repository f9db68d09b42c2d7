package dev.phasegate.server.judge;

/** What a judge or a forecaster concluded, from the most reassuring to the most alarming. */
public enum Outcome {
    /** No evidence of harm (or, for a forecast, no crossing predicted within the horizon). */
    PASS("pass"),
    /** Harm shown at the warning confidence, or a crossing forecast within the horizon. */
    WARNING("warning"),
    /** Harm shown at the critical confidence. */
    CRITICAL("critical"),
    /** Too few observations to judge; never a pass. */
    INSUFFICIENT_DATA("insufficient-data");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON and in the API, e.g. {@code insufficient-data}. */
    public String wireName() {
        return wireName;
    }

    /** The outcome whose wire name is {@code name}. */
    public static Outcome fromWireName(String name) {
        for (Outcome outcome : values()) {
            if (outcome.wireName.equals(name)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + name + "'");
    }
}
