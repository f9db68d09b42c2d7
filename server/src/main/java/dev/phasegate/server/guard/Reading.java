package dev.phasegate.server.guard;

import java.util.Map;

/**
 * What a guard read from its source before judging it.
 *
 * @param value   the metric in its plan unit; NaN when nothing was read
 * @param samples how many samples stand behind the value
 * @param figures further numbers to keep with the decision
 * @param failure why the metric could not be read, or null
 */
record Reading(double value, long samples, Map<String, Object> figures, String failure) {

    static Reading of(double value, long samples, Map<String, Object> figures) {
        return new Reading(value, samples, figures, null);
    }

    static Reading empty(String why) {
        return new Reading(Double.NaN, 0, Map.of("why", why), null);
    }

    static Reading failed(String why) {
        return new Reading(Double.NaN, 0, Map.of(), why);
    }

    boolean failed() {
        return failure != null;
    }
}
