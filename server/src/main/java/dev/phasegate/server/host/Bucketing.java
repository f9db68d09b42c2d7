package dev.phasegate.server.host;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Averages of samples per step: the points of {@code GET /api/v1/system/metrics}. */
final class Bucketing {

    /** Names of the averaged fields in the JSON answer, in the column order of {@link HostSampleStore}. */
    static final List<String> FIELDS = List.of("systemCpuPercent", "processCpuPercent", "memoryUsedPercent",
            "memoryUsedBytes", "diskUsedPercent", "diskFreeBytes", "netRxBytesPerSecond", "netTxBytesPerSecond",
            "heapUsedBytes", "heapMaxBytes", "gcPerSecond", "gcMillisPerSecond", "liveThreads");

    private final Instant from;
    private final long stepMillis;
    private final TreeMap<Long, double[]> sums = new TreeMap<>();
    private final TreeMap<Long, Long> counts = new TreeMap<>();

    Bucketing(Instant from, Duration step) {
        this.from = from;
        this.stepMillis = step.toMillis();
    }

    static double[] values(HostSample s) {
        return new double[]{s.systemCpuPercent(), s.processCpuPercent(), s.memoryUsedPercent(), s.memoryUsedBytes(),
                s.diskUsedPercent(), s.diskFreeBytes(), s.netRxBytesPerSecond(), s.netTxBytesPerSecond(),
                s.heapUsedBytes(), s.heapMaxBytes(), s.gcPerSecond(), s.gcMillisPerSecond(), s.liveThreads()};
    }

    void add(HostSample s) {
        long bucket = Math.floorDiv(s.at().toEpochMilli() - from.toEpochMilli(), stepMillis);
        add(bucket, 1, values(s));
    }

    void add(long bucket, long n, double[] values) {
        double[] into = sums.computeIfAbsent(bucket, b -> new double[FIELDS.size()]);
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
        counts.merge(bucket, n, Long::sum);
    }

    /** One point per step that has samples, oldest first: {@code at} (the step's start), {@code samples}, averages. */
    List<Map<String, Object>> points() {
        return sums.entrySet().stream().map(e -> {
            long n = counts.get(e.getKey());
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("at", from.plusMillis(e.getKey() * stepMillis));
            point.put("samples", n);
            for (int i = 0; i < FIELDS.size(); i++) {
                point.put(FIELDS.get(i), e.getValue()[i] / n);
            }
            return point;
        }).toList();
    }
}
