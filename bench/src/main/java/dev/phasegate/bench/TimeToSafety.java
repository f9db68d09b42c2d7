package dev.phasegate.bench;

import dev.phasegate.sdk.PhasegateClient;
import dev.phasegate.sdk.PhasegateConfig;
import org.HdrHistogram.Histogram;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.phasegate.bench.AdminHttp.secret;

/**
 * Time to safety, end to end with real processes: a Phasegate server in its own JVM (embedded store), an
 * SDK client and a telemetry sender in this one. Each trial applies a two-phase rollout with the default
 * error-rate guard tightened to a hard-breach config ({@code for: 2s}), advances it, then sends telemetry
 * with 20 % errors for the beta users and measures from that first batch to (a) the SDK reporting the
 * phase's feature off (pushed over SSE) and (b) the runbook having notified contacts and opened the
 * incident.
 *
 * <pre>java -cp bench/target/phasegate-bench.jar dev.phasegate.bench.TimeToSafety [trials=10]</pre>
 */
public final class TimeToSafety {

    private static final String TOKEN = "phg_time-to-safety-bench-admin-0123456789";

    private TimeToSafety() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("phasegate-tts");
        Path log = data.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.phasegate.server.cli.PhasegateCommand", "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--data-dir", data.resolve("data").toString());
        pb.environment().put("PHASEGATE_ADMIN_TOKEN", TOKEN);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        System.out.println("== time to safety: " + trials + " trials; server in its own JVM on port " + port + "; "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version());
        Process server = pb.start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            waitUntilUp(http, base, server, log);
            String sdkToken = secret(call(http, "POST", base + "/api/v1/tokens", "{\"kind\":\"sdk\",\"name\":\"tts\"}"));
            String ingest = secret(call(http, "POST", base + "/api/v1/tokens", "{\"kind\":\"ingest\",\"name\":\"tts\"}"));
            Histogram toFeaturesOff = new Histogram(120_000_000_000L, 3);
            Histogram toRunbook = new Histogram(120_000_000_000L, 3);
            try (PhasegateClient sdk = PhasegateClient.start(PhasegateConfig.builder(URI.create(base), sdkToken)
                    .pollInterval(Duration.ofHours(1)).build())) {
                if (!sdk.awaitReady(Duration.ofSeconds(20))) {
                    throw new IllegalStateException("the SDK got no rules");
                }
                for (int t = 0; t < trials; t++) {
                    long[] r = trial(http, base, ingest, sdk, "tts-" + t);
                    toFeaturesOff.recordValue(r[0]);
                    toRunbook.recordValue(r[1]);
                    System.out.printf(Locale.ROOT, "trial %2d: features off in the SDK after %6.0f ms; contacts notified and incident open after %6.0f ms%n",
                            t, r[0] / 1e6, r[1] / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "time to safety (a) SDK features off: p50=%.0fms max=%.0fms  [target p50 <= 3000 ms: %s]%n",
                    toFeaturesOff.getValueAtPercentile(50) / 1e6, toFeaturesOff.getMaxValue() / 1e6,
                    toFeaturesOff.getValueAtPercentile(50) <= 3_000_000_000L ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "time to safety (b) runbook (contacts notified, incident open): p50=%.0fms max=%.0fms  [target p50 <= 10000 ms: %s]%n",
                    toRunbook.getValueAtPercentile(50) / 1e6, toRunbook.getMaxValue() / 1e6,
                    toRunbook.getValueAtPercentile(50) <= 10_000_000_000L ? "met" : "MISSED");
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** One breach; returns nanoseconds to features off in the SDK and to the runbook's notices and incident. */
    private static long[] trial(HttpClient http, String base, String ingest, PhasegateClient sdk, String key) throws Exception {
        String feature = key + "-ai";
        call(http, "PUT", base + "/api/v1/rollouts/" + key, """
                {"phases": [{"name": "pilot", "capacity": 20, "features": ["%s-basic"]},
                            {"name": "wide", "capacity": 50, "features": ["%s"]}],
                 "guards": [{"name": "errors", "metric": "error-rate", "warning": 1, "critical": 2, "for": "2s", "window": "10s"}],
                 "contacts": [{"name": "On-call", "email": "oncall@example.com"}]}""".formatted(key, feature));
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            users.append(i == 0 ? "" : ",").append("{\"userId\":\"u").append(i).append("\"}");
        }
        call(http, "POST", base + "/api/v1/rollouts/" + key + "/enrollments", "{\"users\":[" + users + "]}");
        call(http, "POST", base + "/api/v1/rollouts/" + key + "/advance", "{}");
        waitFor(() -> sdk.isEnabled(feature, "u0"), Duration.ofSeconds(20), "the SDK to see " + feature + " on");
        // Telemetry is attributed from the server's published rules, which the SDK just received too.
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        long off = 0;
        long runbook = 0;
        long nextBatch = start;
        Long runId = null;
        while ((off == 0 || runbook == 0) && System.nanoTime() < deadline) {
            if (off == 0 && System.nanoTime() >= nextBatch) {
                http.sendAsync(post(base + "/api/v1/events", ingest, batch(key, 200, 40)), HttpResponse.BodyHandlers.discarding());
                nextBatch += TimeUnit.MILLISECONDS.toNanos(500);
            }
            if (off == 0 && !sdk.isEnabled(feature, "u0")) {
                off = System.nanoTime() - start;
            }
            if (runId == null) {
                String runs = call(http, "GET", base + "/api/v1/rollouts/" + key + "/rollbacks", null);
                Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(runs);
                runId = m.find() ? Long.parseLong(m.group(1)) : null;
            } else if (runbook == 0) {
                String run = call(http, "GET", base + "/api/v1/rollbacks/" + runId, null);
                if (stepDone(run, "notify-contacts") && stepDone(run, "open-incident")) {
                    runbook = System.nanoTime() - start;
                }
            }
            Thread.sleep(off == 0 ? 2 : 20);
        }
        if (off == 0 || runbook == 0) {
            throw new IllegalStateException("trial " + key + " did not reach safety within 60 s (features off: " + (off != 0)
                    + ", runbook: " + (runbook != 0) + ")");
        }
        return new long[]{off, runbook};
    }

    private static boolean stepDone(String run, String step) {
        return Pattern.compile("\"step\"\\s*:\\s*\"" + step + "\"\\s*,\\s*\"state\"\\s*:\\s*\"done\"").matcher(run).find();
    }

    private static String batch(String key, int requests, int errors) {
        long now = Instant.now().toEpochMilli();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            events.add("{\"type\":\"request\",\"timestamp\":" + now + ",\"userId\":\"u" + (i % 10) + "\",\"rollout\":\"" + key
                    + "\",\"latencyMs\":40,\"outcome\":\"" + (i < errors ? "error" : "ok") + "\"}");
        }
        return "[" + String.join(",", events) + "]";
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + limit + " for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void waitUntilUp(HttpClient http, String base, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the server did not come up within 60 s");
    }

    private static HttpRequest post(String url, String token, String json) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** An admin call with this harness's token. */
    private static String call(HttpClient http, String method, String url, String json) throws Exception {
        return AdminHttp.call(http, method, url, json, TOKEN);
    }
}
