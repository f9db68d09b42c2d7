package dev.phasegate.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.phasegate.bench.AdminHttp.call;
import static dev.phasegate.bench.AdminHttp.secret;

/**
 * A mixed soak on one or two Phasegate node processes sharing one PostgreSQL schema: OFREP evaluations,
 * telemetry batches, enrollments and SDK streams, spread evenly over the nodes. Prints, per node, the
 * throughput of evaluations and ingested events, p99 latencies, errors, and heap used over time (read from
 * each node's /metrics).
 *
 * <p>{@code --node-cpu=0.5} gives each node a CPU budget of its own (a Linux cgroup v1 CFS quota; needs
 * root): on one machine the nodes otherwise share its cores, so a second node adds no capacity and cannot
 * show how throughput scales with nodes the way separate machines would. {@code --no-enrollments} leaves the
 * enrollment loops out (each enrollment changes the rules every node rebuilds).
 *
 * <pre>java -cp bench/target/phasegate-bench.jar dev.phasegate.bench.ClusterSoak --nodes=2 --duration=600</pre>
 */
public final class ClusterSoak {

    private static final String TOKEN = "phg_cluster-soak-admin-token-0123456789";
    private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} ([0-9.eE+]+)");

    private ClusterSoak() {
    }

    record Node(int port, Process process) {
        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    record Counters(AtomicLong evaluations, AtomicLong events, AtomicLong enrollments, AtomicLong errors, Histogram evalLatency,
                    Histogram ingestLatency, Map<String, ErrorKind> errorKinds) {
        static Counters fresh() {
            return new Counters(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
                    new ConcurrentHistogram(60_000_000_000L, 3), new ConcurrentHistogram(60_000_000_000L, 3), new ConcurrentHashMap<>());
        }

        /** Counts one failed call under its kind (what was called and how it failed), keeping the first detail and when it happened. */
        void error(String call, String kind, String detail, long soakStart) {
            errors.incrementAndGet();
            errorKinds.computeIfAbsent(call + " " + kind,
                    k -> new ErrorKind(new AtomicLong(), detail, Instant.now(), (System.nanoTime() - soakStart) / 1_000_000_000L)).count().incrementAndGet();
        }

        void error(String call, Exception e, long soakStart) {
            error(call, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), soakStart);
        }
    }

    /** One kind of failure: how many, the first one's detail, and when it happened (wall clock and seconds into the soak). */
    record ErrorKind(AtomicLong count, String firstDetail, Instant firstAt, long secondsIn) {
    }

    public static void main(String[] args) throws Exception {
        int nodes = 2;
        int duration = 600;
        String pg = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        double nodeCpu = 0;
        boolean enrollments = true;
        for (String a : args) {
            if (a.startsWith("--nodes=")) {
                nodes = Integer.parseInt(a.substring(8));
            } else if (a.startsWith("--duration=")) {
                duration = Integer.parseInt(a.substring(11));
            } else if (a.equals("--no-enrollments")) {
                enrollments = false;
            } else if (a.startsWith("--node-cpu=")) {
                nodeCpu = Double.parseDouble(a.substring(11));
            } else if (a.startsWith("--postgres-url=")) {
                pg = a.substring(15);
            }
        }
        String schema = "soak_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(pg); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String dbUrl = pg + "&currentSchema=" + schema;
        System.out.printf(Locale.ROOT, "== cluster soak: %d node(s) on PostgreSQL schema %s, %d s; %d cores, Java %s%s%n", nodes, schema,
                duration, Runtime.getRuntime().availableProcessors(), Runtime.version(),
                nodeCpu > 0 ? String.format(Locale.ROOT, "; each node limited to %.2f CPU", nodeCpu) : "");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<Node> started = new ArrayList<>();
        Path logs = Files.createTempDirectory("phasegate-soak");
        try {
            for (int i = 0; i < nodes; i++) {
                started.add(start(i, dbUrl, logs, http, nodeCpu));
            }
            String base = started.get(0).base();
            call(http, "PUT", base + "/api/v1/rollouts/soak", """
                    {"phases": [{"name": "all", "capacity": 100000, "features": ["soak-a", "soak-b"], "percentage": 20}],
                     "guards": []}""", TOKEN);
            String sdk = secret(call(http, "POST", base + "/api/v1/tokens", "{\"kind\":\"sdk\",\"name\":\"soak\"}", TOKEN));
            String ingest = secret(call(http, "POST", base + "/api/v1/tokens", "{\"kind\":\"ingest\",\"name\":\"soak\"}", TOKEN));
            StringBuilder users = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                users.append(i == 0 ? "" : ",").append("{\"userId\":\"u").append(i).append("\"}");
            }
            call(http, "POST", base + "/api/v1/rollouts/soak/enrollments", "{\"users\":[" + users + "]}", TOKEN);

            List<Counters> perNode = new ArrayList<>();
            started.forEach(n -> perNode.add(Counters.fresh()));
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
            AtomicLong newUser = new AtomicLong(1_000_000);
            long start = System.nanoTime();
            List<Duration> cpuAtStart = started.stream().map(n -> cpu(n.process())).toList();
            for (int n = 0; n < started.size(); n++) {
                Node node = started.get(n);
                Counters c = perNode.get(n);
                for (int t = 0; t < 4; t++) {
                    load.submit(() -> evaluate(http, node, sdk, c, running, start));
                }
                load.submit(() -> ingest(http, node, ingest, c, running, start));
                if (enrollments) {
                    load.submit(() -> enroll(http, node, c, running, newUser, start));
                }
                for (int t = 0; t < 5; t++) {
                    load.submit(() -> stream(http, node, sdk, running));
                }
            }
            List<List<Long>> heaps = new ArrayList<>();
            started.forEach(n -> heaps.add(new ArrayList<>()));
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(duration)) {
                Thread.sleep(Math.min(30_000, TimeUnit.SECONDS.toMillis(duration) / 4));
                for (int n = 0; n < started.size(); n++) {
                    heaps.get(n).add(heap(http, started.get(n)));
                }
            }
            running.set(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            load.shutdownNow();
            long totalEval = 0;
            long totalEvents = 0;
            for (int n = 0; n < started.size(); n++) {
                Counters c = perNode.get(n);
                totalEval += c.evaluations().get();
                totalEvents += c.events().get();
                System.out.printf(Locale.ROOT, "node %d: evaluations %,.0f/s (p99 %.1f ms), events %,.0f/s (batch p99 %.1f ms), enrollments %,d, errors %,d, CPU used %.2f cores, heap MiB over time %s%n",
                        n, c.evaluations().get() / seconds, c.evalLatency().getValueAtPercentile(99) / 1e6, c.events().get() / seconds,
                        c.ingestLatency().getValueAtPercentile(99) / 1e6, c.enrollments().get(), c.errors().get(),
                        (cpu(started.get(n).process()).toNanos() - cpuAtStart.get(n).toNanos()) / 1e9 / seconds,
                        heaps.get(n).stream().map(b -> String.valueOf(b >> 20)).toList());
                c.errorKinds().forEach((kind, e) -> System.out.printf(Locale.ROOT,
                        "  error %s: %,d, first at %s (%d s in): %s%n", kind, e.count().get(), e.firstAt(), e.secondsIn(), e.firstDetail()));
            }
            System.out.println("node logs: " + logs);
            System.out.printf(Locale.ROOT, "total: evaluations %,.0f/s, events %,.0f/s over %.0f s%n", totalEval / seconds, totalEvents / seconds, seconds);
        } finally {
            for (Node n : started) {
                n.process().destroy();
                n.process().waitFor(20, TimeUnit.SECONDS);
                n.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            if (nodeCpu > 0) {
                for (int i = 0; i < started.size(); i++) {
                    Files.deleteIfExists(Path.of("/sys/fs/cgroup/cpu", "phasegate-soak-node-" + i));
                }
            }
            try (Connection c = DriverManager.getConnection(pg); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static Node start(int i, String dbUrl, Path logs, HttpClient http, double cpu) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.phasegate.server.cli.PhasegateCommand", "serve", "--host", "127.0.0.1",
                "--port", String.valueOf(port));
        pb.environment().put("PHASEGATE_ADMIN_TOKEN", TOKEN);
        pb.environment().put("PHASEGATE_DB_URL", dbUrl);
        // The soak measures the nodes, not the per-token limits one load generator would hit.
        pb.environment().put("PHASEGATE_INGEST_PER_SECOND", "10000000");
        pb.environment().put("PHASEGATE_INGEST_BURST", "10000000");
        pb.environment().put("PHASEGATE_EVALUATION_PER_SECOND", "10000000");
        pb.environment().put("PHASEGATE_EVALUATION_BURST", "10000000");
        pb.redirectErrorStream(true).redirectOutput(logs.resolve("node-" + i + ".log").toFile());
        Process p = pb.start();
        if (cpu > 0) {
            limitCpu("phasegate-soak-node-" + i, p.pid(), cpu);
        }
        Node node = new Node(port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("node " + i + " exited: " + Files.readString(logs.resolve("node-" + i + ".log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(node.base() + "/healthz")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return node;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("node " + i + " did not start");
    }

    /** Puts the process (all its threads, present and future) in a cgroup v1 CPU group with a quota of {@code cpu} cores. */
    private static void limitCpu(String group, long pid, double cpu) throws java.io.IOException {
        Path dir = Path.of("/sys/fs/cgroup/cpu", group);
        Files.createDirectories(dir);
        long period = 100_000;
        Files.writeString(dir.resolve("cpu.cfs_period_us"), String.valueOf(period));
        Files.writeString(dir.resolve("cpu.cfs_quota_us"), String.valueOf(Math.round(cpu * period)));
        Files.writeString(dir.resolve("cgroup.procs"), String.valueOf(pid));
    }

    private static Void evaluate(HttpClient http, Node node, String token, Counters c, AtomicBoolean running, long soakStart) {
        while (running.get()) {
            String user = "u" + ThreadLocalRandom.current().nextInt(4000);
            if (post(http, node.base() + "/ofrep/v1/evaluate/flags/soak-a", token, "{\"context\":{\"targetingKey\":\"" + user + "\"}}",
                    200, c.evalLatency(), c, "evaluate", "user " + user, running, soakStart)) {
                c.evaluations().incrementAndGet();
            }
        }
        return null;
    }

    private static Void ingest(HttpClient http, Node node, String token, Counters c, AtomicBoolean running, long soakStart) {
        while (running.get()) {
            StringBuilder b = new StringBuilder("[");
            String now = Instant.now().toString();
            for (int i = 0; i < 1000; i++) {
                b.append(i == 0 ? "" : ",").append("{\"type\":\"request\",\"timestamp\":\"").append(now).append("\",\"userId\":\"u")
                        .append(ThreadLocalRandom.current().nextInt(4000)).append("\",\"rollout\":\"soak\",\"latencyMs\":")
                        .append(ThreadLocalRandom.current().nextInt(5, 200)).append(",\"outcome\":\"ok\"}");
            }
            b.append(']');
            if (post(http, node.base() + "/api/v1/events", token, b.toString(), 202, c.ingestLatency(), c, "ingest", "batch of 1000",
                    running, soakStart)) {
                c.events().addAndGet(1000);
            }
        }
        return null;
    }

    /**
     * POSTs a JSON body with {@code token}, recording the latency; any answer but {@code ok}, or a failure while the
     * soak runs, is counted as an error of {@code call}. Whether the answer was {@code ok}.
     */
    private static boolean post(HttpClient http, String url, String token, String json, int ok, Histogram latency, Counters c,
                                String call, String detail, AtomicBoolean running, long soakStart) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
            latency.recordValue(System.nanoTime() - t0);
            if (r.statusCode() == ok) {
                return true;
            }
            c.error(call, "HTTP " + r.statusCode(), detail, soakStart);
        } catch (Exception e) {
            if (running.get()) {
                c.error(call, e, soakStart);
            }
        }
        return false;
    }

    private static Void enroll(HttpClient http, Node node, Counters c, AtomicBoolean running, AtomicLong next, long soakStart) {
        while (running.get()) {
            try {
                call(http, "POST", node.base() + "/api/v1/rollouts/soak/enrollments", "{\"userId\":\"n" + next.incrementAndGet() + "\"}", TOKEN);
                c.enrollments().incrementAndGet();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return null;
            } catch (Exception e) {
                if (running.get()) {
                    c.error("enroll", e, soakStart);
                }
            }
        }
        return null;
    }

    private static Void stream(HttpClient http, Node node, String token, AtomicBoolean running) {
        while (running.get()) {
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/api/v1/sdk/stream"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    byte[] buffer = new byte[4096];
                    while (running.get() && in.read(buffer) >= 0) {
                        // drain: the stream only carries "rules changed" events
                    }
                }
            } catch (Exception e) {
                // reconnect while the soak runs
            }
        }
        return null;
    }

    /** CPU time the node's process has used so far (all its threads). */
    private static Duration cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static long heap(HttpClient http, Node node) {
        try {
            String metrics = call(http, "GET", node.base() + "/metrics", null, TOKEN);
            Matcher m = HEAP.matcher(metrics);
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            return (long) sum;
        } catch (Exception e) {
            return -1;
        }
    }

}
