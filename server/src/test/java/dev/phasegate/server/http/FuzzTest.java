package dev.phasegate.server.http;

import dev.phasegate.server.config.Limits;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.limit.RateLimit;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 5 under hostile input: generated requests over every registered route (random and mutated
 * bodies, wrong types, huge numbers, deep nesting, invalid UTF-8, YAML bombs, path tricks, header abuse)
 * never get a 5xx or a stack trace, API errors are problem documents, and a rejected change leaves the
 * store as it was. {@code -Dphasegate.fuzzRequests=N} (default 100,000) and {@code -Dphasegate.fuzzSeed=S}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest {

    private static final int REQUESTS = Integer.getInteger("phasegate.fuzzRequests", 100_000);
    private static final long SEED = Long.getLong("phasegate.fuzzSeed", 7L);
    /** The share of requests sent one at a time with the store compared around each rejected one. */
    private static final double STATE_CHECKED_SHARE = 0.08;
    private static final Pattern STACK_TRACE = Pattern.compile(
            "\\tat [a-zA-Z_$][\\w$.]*\\(|(java|javax|jakarta|com\\.fasterxml|org\\.eclipse|org\\.h2|org\\.postgresql|org\\.jdbi|org\\.yaml|io\\.javalin|dev\\.phasegate)\\.[\\w.$]*(Exception|Error)\\b"
                    + "|NullPointerException|IllegalArgumentException|IllegalStateException|ClassCastException|NumberFormatException");

    private TestStore store;
    private TestServer server;
    private Map<String, String> tokens;
    private List<HttpApi.Route> routes;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();

    @BeforeAll
    void start() {
        store = TestStore.h2();
        // Limits far above the run's rate, so every request reaches its handler (the limits have their own test).
        RateLimit open = new RateLimit(10_000_000, 10_000_000);
        Settings settings = store.settings().withLimits(new Limits(open, open, open, open));
        server = TestServer.start(settings, new TestClock(java.time.Instant.parse("2025-06-01T12:00:00Z")));
        tokens = Map.of("admin", TestStore.ADMIN_TOKEN, "operator", server.token("operator"), "sdk", server.token("sdk"),
                "ingest", server.token("ingest"));
        server.putJson("/api/v1/rollouts/m", TestStore.ADMIN_TOKEN, Plans.plan("m", 5, 10));
        server.post("/api/v1/rollouts/m/start", TestStore.ADMIN_TOKEN, "");
        server.post("/api/v1/rollouts/m/enrollments", TestStore.ADMIN_TOKEN, "{\"userId\":\"u1\"}");
        server.putJson("/api/v1/rollouts/idle", TestStore.ADMIN_TOKEN, Plans.plan("idle", 3));
        server.post("/api/v1/incidents", TestStore.ADMIN_TOKEN, "{\"title\":\"t\",\"severity\":\"sev2\"}");
        routes = server.node().routes();
        System.out.println("[fuzz] routes: " + routes);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void no_generated_request_gets_a_5xx_a_stack_trace_or_changes_the_store_when_rejected() throws Exception {
        int checked = (int) (REQUESTS * STATE_CHECKED_SHARE);
        int stateViolations = stateCheckedRun(new Random(SEED), checked);
        concurrentRun(REQUESTS - checked);

        System.out.println("[fuzz] " + sent.get() + " requests over " + routes.size() + " routes (seed " + SEED + "), "
                + checked + " of them one at a time with the store compared; statuses: " + new TreeMap<>(
                statuses.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()))));
        assertThat(sent.get()).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(failures).as("failures (first 30 shown)").hasSizeLessThanOrEqualTo(0)
                .withFailMessage(() -> String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
        assertThat(stateViolations).isZero();
    }

    /** Changes one at a time, the store compared before and after each one the server rejected. */
    private int stateCheckedRun(Random random, int count) throws Exception {
        RequestGenerator generator = new RequestGenerator(random, routes, tokens);
        int violations = 0;
        try (Connection c = DriverManager.getConnection(store.settings().jdbcUrl())) {
            String before = snapshot(c);
            for (int i = 0; i < count; i++) {
                FuzzRequest request = generator.next(true);
                int status = send(request);
                String after = snapshot(c);
                if (status >= 400 && !after.equals(before)) {
                    violations++;
                    failures.add("store changed (" + changed(before, after) + ") by a rejected request (" + status + "): "
                            + request.describe());
                }
                before = status >= 400 ? after : settled(c, after);
            }
        }
        return violations;
    }

    private void concurrentRun(int count) throws Exception {
        int workers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Random random = new Random(SEED * 31 + w);
                int share = count / workers + (w < count % workers ? 1 : 0);
                futures.add(pool.submit(() -> {
                    RequestGenerator generator = new RequestGenerator(random, routes, tokens);
                    for (int i = 0; i < share; i++) {
                        send(generator.next(false));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends, records the status, checks the answer; returns the status (0 when the connection failed). */
    private int send(FuzzRequest request) {
        sent.incrementAndGet();
        int status;
        String contentType;
        String body;
        try {
            if (request.raw()) {
                String[] answer = sendRaw(request);
                status = Integer.parseInt(answer[0]);
                contentType = answer[1];
                body = answer[2];
            } else {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + request.path()))
                        .timeout(Duration.ofSeconds(60))
                        .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
                request.headers().forEach(b::header);
                HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                status = r.statusCode();
                contentType = r.headers().firstValue("Content-Type").orElse("");
                try (InputStream in = r.body()) {
                    // An event stream never ends: its status and headers are what is checked.
                    body = contentType.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // The server may drop a connection it cannot parse (absurd headers): that is not a 5xx.
            statuses.computeIfAbsent(0, k -> new LongAdder()).increment();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
        if (status >= 500) {
            failures.add(status + " for " + request.describe() + " → " + abbreviate(body));
        }
        if (STACK_TRACE.matcher(body).find()) {
            failures.add("stack trace or exception name in the answer to " + request.describe() + " → " + abbreviate(body));
        }
        if (status >= 400 && request.path().startsWith("/api/v1/")) {
            if (!contentType.startsWith("application/problem+json")) {
                failures.add("not a problem document (" + status + ", " + contentType + ") for " + request.describe() + " → " + abbreviate(body));
            }
        }
        return status;
    }

    /** Over a socket: for what HttpClient will not send (Content-Length lies, raw bytes in the path, huge headers). */
    private String[] sendRaw(FuzzRequest request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.node().port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.write((request.method() + " ").getBytes(StandardCharsets.ISO_8859_1));
            head.write(request.rawPath() != null ? request.rawPath() : request.path().getBytes(StandardCharsets.ISO_8859_1));
            head.write(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, String> h : request.headers().entrySet()) {
                head.write((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            byte[] body = request.body() == null ? new byte[0] : request.body();
            if (!request.headers().containsKey("Content-Length")) {
                head.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            head.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(head.toByteArray());
            try {
                out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server answered (and closed) before reading everything: read what it said
            }
            InputStream in = socket.getInputStream();
            // Read until the server closes, or for at most 10 s: an event stream (e.g. the SDK stream) never
            // ends and sends a comment every 15 s, so reading to the end would never return (CI hung on it).
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            socket.setSoTimeout(1_000);
            byte[] chunk = new byte[8192];
            while (System.nanoTime() < deadline && received.size() < 4 * 1024 * 1024) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (java.net.SocketTimeoutException quiet) {
                    if (received.size() > 0 && received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                    continue;
                }
                if (n < 0) {
                    break;
                }
                received.write(chunk, 0, n);
            }
            String answer = received.toString(StandardCharsets.UTF_8);
            if (answer.isEmpty()) {
                throw new IOException("connection closed without an answer");
            }
            int lineEnd = answer.indexOf("\r\n");
            String[] statusLine = answer.substring(0, lineEnd < 0 ? answer.length() : lineEnd).split(" ");
            int headEnd = answer.indexOf("\r\n\r\n");
            String headers = headEnd < 0 ? answer : answer.substring(0, headEnd);
            String type = headers.lines().filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).strip()).findFirst().orElse("");
            return new String[]{statusLine[1], type, headEnd < 0 ? "" : answer.substring(headEnd + 4)};
        }
    }

    /**
     * The store once what an accepted change set going in the background (a rollback's runbook, its
     * incident and notices) has stopped moving: read until two reads 50 ms apart agree, at most 5 s.
     */
    private static String settled(Connection c, String last) {
        java.util.concurrent.atomic.AtomicReference<String> previous = new java.util.concurrent.atomic.AtomicReference<>(last);
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(50))
                    .pollInterval(Duration.ofMillis(50)).until(() -> previous.getAndSet(snapshot(c)).equals(previous.get()));
        } catch (org.awaitility.core.ConditionTimeoutException stillMoving) {
            // compared as it stands after 5 s
        }
        return previous.get();
    }

    private static String changed(String before, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                tables.add(a.get(i).substring(0, a.get(i).indexOf(':')));
            }
        }
        return String.join(", ", tables);
    }

    /** What a rejected request must not change: the tables that hold decisions, not the ones that count traffic. */
    private static String snapshot(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        for (String table : List.of("rollout", "feature", "enrollment", "api_token", "incident", "incident_entry", "silence",
                "runbook_run", "ui_user")) {
            b.append(table).append(':').append(rows(c, "SELECT * FROM " + table)).append('\n');
        }
        // The guard engine writes alerts on its own schedule; what a request may change is an acknowledgement.
        b.append("alert:").append(rows(c, "SELECT id, acknowledged_at, acknowledged_by, ack_comment FROM alert"
                + " WHERE acknowledged_at IS NOT NULL")).append('\n');
        for (String table : List.of("audit_event", "outbox", "action_record")) {
            b.append(table).append(':').append(rows(c, "SELECT COUNT(*) FROM " + table)).append('\n');
        }
        return b.toString();
    }

    private static String rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        Collections.sort(rows);
        return rows.size() + "#" + rows.hashCode();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
