package dev.phasegate.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Telemetry ingest throughput: {@code --clients} threads each POST batches of {@code --batch} generated events
 * to {@code /api/v1/events} for {@code --duration} seconds, one request at a time, after a warm-up. The node
 * runs in this JVM on a fresh H2 store (or give {@code --url} and {@code --token} of a running node, with an
 * admin token). Events: 70 % requests, 10 % sessions, 10 % feature uses, 5 % feedback, 5 % metrics; 80 %
 * name rollout {@code bench} (1,000 of its 10,000 users enrolled), 20 % name none. Bodies are made ahead
 * (64 distinct, remade every 5 s with fresh timestamps) so the client spends its CPU on sending, not on JSON.
 * Prints events/s, request latency p50/p99, and (in-process) heap used after a GC at start and end.
 *
 * <pre>bench/run-ingest.sh [--clients=4] [--duration=60] [--warmup=10] [--batch=1000] [--url=http://host:port --token=ADMIN]</pre>
 */
public final class IngestLoad {

    private static final String ROLLOUT = "bench";
    private static final int USERS = 10_000;
    private static final int ENROLLED = 1_000;
    private static final int BODIES = 64;

    private IngestLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int clients = Integer.parseInt(o.getOrDefault("clients", "4"));
        int duration = Integer.parseInt(o.getOrDefault("duration", "60").replace("s", ""));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "10").replace("s", ""));
        int batch = Integer.parseInt(o.getOrDefault("batch", "1000"));
        PrintStream out = System.out;
        out.printf("== ingest: %d clients, batches of %d events, %d s warm-up + %d s measured; %d cores, Java %s, max heap %d MiB%n",
                clients, batch, warmup, duration, Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
        BenchNode node = null;
        String base;
        String admin;
        if (o.containsKey("url")) {
            base = o.get("url");
            admin = o.get("token");
        } else {
            node = BenchNode.onH2(new PrintStream(java.io.OutputStream.nullOutputStream()));
            base = "http://127.0.0.1:" + node.port();
            admin = node.adminToken();
            out.println("node in this JVM: " + node.storeDescription());
        }
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            setUp(http, base, admin);
            String token = createToken(http, base, admin);
            AtomicReference<List<byte[]>> bodies = new AtomicReference<>(bodies(batch, new Random(1)));
            out.printf("batch body: %,d bytes (%d bytes an event)%n", bodies.get().get(0).length, bodies.get().get(0).length / batch);
            Thread refresher = Thread.ofPlatform().daemon().name("bodies").start(() -> {
                Random random = new Random(2);
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    bodies.set(bodies(batch, random));
                }
            });
            long heapStart = node == null ? -1 : heapAfterGc();
            Result warm = run(http, base, token, bodies, clients, Duration.ofSeconds(warmup), batch, null);
            Recorder recorder = new Recorder(3);
            Result r = run(http, base, token, bodies, clients, Duration.ofSeconds(duration), batch, recorder);
            refresher.interrupt();
            Histogram h = recorder.getIntervalHistogram();
            long heapEnd = node == null ? -1 : heapAfterGc();
            out.printf("ingest events/s=%,.0f  MB/s=%.1f  requests/s=%,.1f  stored=%,d rejected=%,d errors=%d  latency p50=%.1fms p99=%.1fms max=%.1fms%n",
                    r.stored / r.seconds, r.requests * (double) bodies.get().get(0).length / r.seconds / 1e6, r.requests / r.seconds, r.stored, r.rejected, r.failures,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
            if (node != null) {
                // Every event stored is counted once (events without a rollout go to the one active rollout).
                var view = node.phasegate().telemetry().view();
                Instant now = Instant.now();
                long counted = 0;
                for (var cohort : dev.phasegate.server.telemetry.Cohort.values()) {
                    var a = view.window(ROLLOUT, cohort, null, now.minus(Duration.ofHours(1)), now.plusSeconds(60));
                    counted += a.requests() + a.sessions() + a.featureUsage().values().stream().mapToLong(Long::longValue).sum()
                            + a.feedbackCount() + a.metric("orders.queue").map(m -> m.count()).orElse(0L);
                }
                out.printf("check: the node counted %,d events in its rollups; %,d were stored (warm-up included): %s%n", counted,
                        warm.stored + r.stored, counted == warm.stored + r.stored ? "OK" : "MISMATCH");
                out.printf("heap used after GC: start %,d MiB, end %,d MiB%n", heapStart >> 20, heapEnd >> 20);
            }
            out.printf("target 300,000 events/s: %s%n", r.stored / r.seconds >= 300_000 ? "met" : "MISSED");
        } finally {
            if (node != null) {
                node.close();
            }
        }
    }

    private record Result(long stored, long rejected, long requests, long failures, double seconds) {
    }

    private static Result run(HttpClient http, String base, String token, AtomicReference<List<byte[]>> bodies, int clients,
                              Duration length, int batch, Recorder recorder) throws InterruptedException {
        AtomicLong stored = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                int i = client;
                while (System.nanoTime() < end && failures.get() < 100) {
                    List<byte[]> set = bodies.get();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(set.get(i++ % set.size()))).build();
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t;
                        if (r.statusCode() != 202) {
                            failures.incrementAndGet();
                            System.err.println("answer " + r.statusCode() + ": " + r.body().substring(0, Math.min(300, r.body().length())));
                            continue;
                        }
                        String body = r.body();
                        int n = Integer.parseInt(body.substring(body.indexOf(':') + 1, body.indexOf(',')));
                        stored.addAndGet(n);
                        rejected.addAndGet(batch - n);
                        requests.incrementAndGet();
                        if (recorder != null) {
                            recorder.recordValue(took);
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.err.println("request failed: " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(stored.get(), rejected.get(), requests.get(), failures.get(), seconds);
    }

    private static List<byte[]> bodies(int batch, Random random) {
        List<byte[]> result = new ArrayList<>(BODIES);
        for (int b = 0; b < BODIES; b++) {
            StringBuilder sb = new StringBuilder(batch * 160);
            sb.append('[');
            long now = System.currentTimeMillis();
            for (int i = 0; i < batch; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String user = "user-" + random.nextInt(USERS);
                String ts = Instant.ofEpochMilli(now - random.nextInt(5_000)).toString();
                sb.append("{\"timestamp\":\"").append(ts).append("\",\"userId\":\"").append(user).append('"');
                if (random.nextInt(10) < 8) {
                    sb.append(",\"rollout\":\"").append(ROLLOUT).append('"');
                }
                int kind = random.nextInt(100);
                if (kind < 70) {
                    double latency = Math.exp(3 + random.nextGaussian() * 0.8);
                    sb.append(",\"type\":\"request\",\"latencyMs\":").append(String.format(java.util.Locale.ROOT, "%.2f", latency))
                            .append(",\"outcome\":\"").append(random.nextInt(100) < 2 ? "error" : "ok").append("\",\"route\":\"/api/orders\"");
                } else if (kind < 80) {
                    sb.append(",\"type\":\"session\",\"durationMs\":").append(random.nextInt(600_000));
                } else if (kind < 90) {
                    sb.append(",\"type\":\"feature_used\",\"feature\":\"bench-f").append(1 + random.nextInt(2)).append('"');
                } else if (kind < 95) {
                    sb.append(",\"type\":\"feedback\",\"rating\":").append(1 + random.nextInt(5));
                    if (random.nextInt(10) == 0) {
                        sb.append(",\"comment\":\"works well, the new order book is faster\"");
                    }
                } else {
                    sb.append(",\"type\":\"metric\",\"name\":\"orders.queue\",\"value\":").append(random.nextInt(1000));
                }
                sb.append('}');
            }
            sb.append(']');
            result.add(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return result;
    }

    /** Rollout {@code bench}: two phases (bench-f1, bench-f2), advanced to phase 2, with 1,000 users enrolled. */
    private static void setUp(HttpClient http, String base, String admin) throws Exception {
        send(http, base + "/api/v1/rollouts/" + ROLLOUT, admin, "PUT",
                "{\"phases\":[{\"name\":\"one\",\"capacity\":" + ENROLLED / 2 + ",\"features\":[\"bench-f1\"]},"
                        + "{\"name\":\"two\",\"capacity\":" + ENROLLED + ",\"features\":[\"bench-f2\"]}],\"guards\":[]}");
        send(http, base + "/api/v1/rollouts/" + ROLLOUT + "/advance", admin, "POST", "");
        StringBuilder users = new StringBuilder("{\"users\":[");
        for (int i = 0; i < ENROLLED; i++) {
            users.append(i == 0 ? "" : ",").append("{\"userId\":\"user-").append(i * (USERS / ENROLLED)).append("\"}");
        }
        send(http, base + "/api/v1/rollouts/" + ROLLOUT + "/enrollments", admin, "POST", users.append("]}").toString());
        Thread.sleep(2_000); // the rules cache publishes the enrollments (at most a second's poll)
    }

    private static String createToken(HttpClient http, String base, String admin) throws Exception {
        String body = send(http, base + "/api/v1/tokens", admin, "POST", "{\"kind\":\"ingest\",\"name\":\"ingest-load\"}");
        return body.replaceAll(".*\"secret\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private static String send(HttpClient http, String url, String token, String method, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new java.util.HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("argument '" + a + "' is not --name=value; see the class comment");
            }
            o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return o;
    }
}
