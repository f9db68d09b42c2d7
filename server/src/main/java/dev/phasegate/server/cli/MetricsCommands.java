package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate metrics ROLLOUT} and {@code phasegate system-metrics}. */
final class MetricsCommands {

    private MetricsCommands() {
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "A rollout's telemetry per time step: beta against control (and --phases: each phase).",
            footer = {"", "Times are ISO-8601 instants; steps like 10s, 1m, 1h, 1d (multiples of 10s).", "",
                    "Examples:", "  phasegate metrics trading-engine-v2",
                    "  phasegate metrics trading-engine-v2 --from 2026-03-01T12:00:00Z --to 2026-03-01T13:00:00Z --step 5m"})
    static final class Rollout implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;
        @Option(names = "--from", description = "start (default: an hour before --to)")
        String from;
        @Option(names = "--to", description = "end (default: now)")
        String to;
        @Option(names = "--step", description = "time step (default: at most 360 points)")
        String step;
        @Option(names = "--phases", description = "one row per phase instead of all beta phases together")
        boolean phases;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/rollouts/" + ApiClient.encode(key) + "/metrics").add("from", from).add("to", to)
                    .add("step", step).toString();
            return options.print(options.client().get(path), b -> {
                System.out.println(b.path("rollout").asText() + " from " + b.path("from").asText() + " to " + b.path("to").asText()
                        + ", step " + b.path("step").asText());
                Table t = new Table("TIME", "COHORT", "REQUESTS", "ERRORS", "ERROR %", "P50 MS", "P95 MS", "P99 MS", "USERS", "FEEDBACK");
                int rows = 0;
                if (phases) {
                    for (var phase : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> b.path("phases").fields()) {
                        rows += rows(t, "phase " + phase.getKey(), phase.getValue());
                    }
                } else {
                    rows += rows(t, "beta", b.path("beta"));
                }
                rows += rows(t, "control", b.path("control"));
                t.print(System.out);
                if (rows == 0) {
                    System.out.println("(no telemetry in this range)");
                }
            });
        }

        /** The steps that have data (a step with no request, user or feedback says nothing). */
        private static int rows(Table t, String cohort, JsonNode points) {
            int n = 0;
            for (JsonNode p : points) {
                if (p.path("requests").asLong() == 0 && p.path("activeUsers").asLong() == 0 && p.path("feedbackCount").asLong() == 0
                        && p.path("sessions").asLong() == 0) {
                    continue;
                }
                t.row(p.path("t").asText(), cohort, p.path("requests").asLong(), p.path("errors").asLong(), Query.number(p.get("errorRate")),
                        Query.number(p.get("p50")), Query.number(p.get("p95")), Query.number(p.get("p99")), p.path("activeUsers").asLong(),
                        p.path("feedbackCount").asLong() == 0 ? "" : Query.number(p.get("feedbackAvg")) + " (" + p.path("feedbackCount").asLong() + ")");
                n++;
            }
            return n;
        }
    }

    @Command(name = "system-metrics", mixinStandardHelpOptions = true,
            description = "Host and process metrics (CPU, memory, disk, network, JVM), averaged per step.",
            footer = {"", "Examples:", "  phasegate system-metrics", "  phasegate system-metrics --from 2026-01-31T11:00:00Z --step 5m"})
    static final class SystemMetrics implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--from", description = "start (default: an hour before --to)")
        String from;
        @Option(names = "--to", description = "end (default: now)")
        String to;
        @Option(names = "--step", description = "time step like 30s, 5m, 1h (default: a sixtieth of the range)")
        String step;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/system/metrics").add("from", from).add("to", to).add("step", step).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("TIME", "SAMPLES", "CPU %", "PROCESS CPU %", "MEMORY %", "DISK %", "NET RX B/S", "NET TX B/S",
                        "HEAP MB", "THREADS");
                for (JsonNode p : b.path("points")) {
                    JsonNode heap = p.get("heapUsedBytes");
                    t.row(p.path("at").asText(), p.path("samples").asInt(), Query.number(p.get("systemCpuPercent")),
                            Query.number(p.get("processCpuPercent")), Query.number(p.get("memoryUsedPercent")),
                            Query.number(p.get("diskUsedPercent")), Query.number(p.get("netRxBytesPerSecond")),
                            Query.number(p.get("netTxBytesPerSecond")),
                            heap == null || heap.isNull() ? "—" : String.valueOf(Math.round(heap.asDouble() / 1_048_576)),
                            Query.number(p.get("liveThreads")));
                }
                t.print(System.out);
                if (b.path("points").isEmpty()) {
                    System.out.println("(no samples in this range)");
                }
            });
        }
    }
}
