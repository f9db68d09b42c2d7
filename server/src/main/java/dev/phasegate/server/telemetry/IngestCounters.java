package dev.phasegate.server.telemetry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Ingest counts for the meters. Rejection reasons are a fixed set (the event fields), so labels stay bounded. */
final class IngestCounters {

    /** Every reason label: the field at fault, {@code unknown_field}, or {@code event} for the event as a whole. */
    static final List<String> REASONS = List.of("type", "timestamp", "userId", "rollout", "feature", "latencyMs", "outcome",
            "route", "durationMs", "start", "end", "rating", "comment", "name", "value", "unknown_field", "event");

    final LongAdder stored = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchesRefused = new LongAdder();
    final Map<String, LongAdder> rejected;

    IngestCounters() {
        Map<String, LongAdder> map = new java.util.LinkedHashMap<>();
        REASONS.forEach(r -> map.put(r, new LongAdder()));
        this.rejected = java.util.Collections.unmodifiableMap(map);
    }

    void rejected(String field) {
        String reason = field.isEmpty() ? "event" : field;
        LongAdder adder = rejected.get(reason);
        (adder == null ? rejected.get("unknown_field") : adder).increment();
    }
}
