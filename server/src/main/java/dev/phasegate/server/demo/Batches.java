package dev.phasegate.server.demo;

import java.util.ArrayList;
import java.util.List;

/** Splits what one tick produced into request bodies the ingest route takes. */
final class Batches {

    /**
     * Events per request: a tenth of the route's limit of 10,000, so a batch (~200 bytes an event) stays far
     * below its 1 MiB and one slow request never holds much telemetry.
     */
    static final int MAX_EVENTS = 1_000;

    private Batches() {
    }

    /** {@code items} in order, in consecutive lists of at most {@code max}; none when empty. */
    static <T> List<List<T>> split(List<T> items, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        List<List<T>> batches = new ArrayList<>((items.size() + max - 1) / max);
        for (int from = 0; from < items.size(); from += max) {
            batches.add(List.copyOf(items.subList(from, Math.min(items.size(), from + max))));
        }
        return batches;
    }
}
