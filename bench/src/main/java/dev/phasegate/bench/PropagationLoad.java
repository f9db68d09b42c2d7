package dev.phasegate.bench;

import dev.phasegate.sdk.PhasegateClient;
import dev.phasegate.sdk.PhasegateConfig;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Propagation: time from {@code PUT /api/v1/features/{f}/kill-switch} being sent to an SDK instance,
 * connected over the SSE stream, answering the new value. 100 flips (on, off, ...) on a node in this JVM
 * (embedded store); the SDK polls only every hour, so every flip travels over the stream. The SDK is
 * watched by a thread spinning on {@code isEnabled}, so the figure includes the server's commit, rules
 * rebuild, push, the SDK's fetch of the new snapshot and its swap.
 *
 * <pre>./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.phasegate.bench.PropagationLoad [-Dexec.args="100"]</pre>
 */
public final class PropagationLoad {

    private PropagationLoad() {
    }

    public static void main(String[] args) throws Exception {
        int flips = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        System.out.println("== propagation: kill switch -> SDK over SSE, " + flips + " flips; " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + Runtime.version());
        try (BenchNode node = BenchNode.onH2(System.out)) {
            String base = "http://127.0.0.1:" + node.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/rollouts/propagation"))
                    .header("Authorization", "Bearer " + node.adminToken()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"phases\":[{\"name\":\"all\",\"capacity\":10,\"features\":[\"flip\"]}],\"guards\":[]}")).build());
            send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/rollouts/propagation/enrollments"))
                    .header("Authorization", "Bearer " + node.adminToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"watcher\"}")).build());
            String sdkToken = createSdkToken(http, base, node.adminToken());
            Histogram latency = new Histogram(60_000_000_000L, 3);
            try (PhasegateClient sdk = PhasegateClient.start(PhasegateConfig.builder(URI.create(base), sdkToken)
                    .pollInterval(Duration.ofHours(1)).build())) {
                if (!sdk.awaitReady(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("the SDK got no rules");
                }
                waitFor(sdk, true, Duration.ofSeconds(10));
                for (int i = 0; i < flips + 5; i++) {
                    boolean killing = i % 2 == 0;
                    HttpRequest flip = HttpRequest.newBuilder(URI.create(base + "/api/v1/features/flip/kill-switch"))
                            .header("Authorization", "Bearer " + node.adminToken()).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(killing ? "{\"on\":true,\"reason\":\"bench\"}" : "{\"on\":false}")).build();
                    long start = System.nanoTime();
                    http.sendAsync(flip, HttpResponse.BodyHandlers.discarding());
                    long seen;
                    try {
                        seen = waitFor(sdk, !killing, Duration.ofSeconds(10));
                    } catch (IllegalStateException e) {
                        throw new IllegalStateException("flip " + i + ": " + e.getMessage(), e);
                    }
                    if (i >= 5) { // the first five warm up
                        latency.recordValue(seen - start);
                    }
                }
            }
            System.out.printf("propagation flips=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms  [targets p50 <= 50 ms: %s, p99 <= 250 ms: %s]%n",
                    latency.getTotalCount(), ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
                    ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()),
                    ms(latency.getValueAtPercentile(50)) <= 50 ? "met" : "MISSED", ms(latency.getValueAtPercentile(99)) <= 250 ? "met" : "MISSED");
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Spins until the SDK answers {@code enabled} for the watcher; returns System.nanoTime() at that moment. */
    private static long waitFor(PhasegateClient sdk, boolean enabled, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (sdk.isEnabled("flip", "watcher") != enabled) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the SDK did not see the flip within " + limit + " (it holds rules version "
                        + sdk.version() + ")");
            }
            Thread.onSpinWait();
        }
        return System.nanoTime();
    }

    private static String createSdkToken(HttpClient http, String base, String admin) throws Exception {
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"sdk\",\"name\":\"propagation\"}")).build());
        return r.body().replaceAll(".*\"secret\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }
}
