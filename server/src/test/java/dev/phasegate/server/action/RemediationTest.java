package dev.phasegate.server.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guard warning webhooks end to end: telemetry over HTTP breaches a guard, the guard engine (ticked by the test)
 * fires its alert, and a real HTTP endpoint on port 0 receives the call; the action log tells what happened.
 */
class RemediationTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestStore store;
    private TestServer server;
    private TestClock clock;
    private HttpServer hooks;
    private String ingest;
    private final ConcurrentLinkedQueue<JsonNode> received = new ConcurrentLinkedQueue<>();
    /** Each call to /scale: its X-Phasegate-Timestamp, X-Phasegate-Signature and body bytes. */
    private final ConcurrentLinkedQueue<String[]> signed = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws IOException {
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/scale", exchange -> {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            signed.add(new String[]{exchange.getRequestHeaders().getFirst("X-Phasegate-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Phasegate-Signature"), new String(bytes, StandardCharsets.UTF_8)});
            received.add(Json.MAPPER.readTree(bytes));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        hooks.createContext("/broken", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "scaler down".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hooks.start();
        String base = "http://127.0.0.1:" + hooks.getAddress().getPort();
        store = TestStore.h2();
        clock = new TestClock(Instant.parse("2026-11-26T10:00:00Z"));
        server = TestServer.start(store.settings().withMonitoring(
                Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1))), clock);
        String plan = """
                rollout: desk
                phases: [{name: pilot, capacity: 50, features: [desk-orders]}]
                guards:
                  - {name: errors, metric: error-rate, warning: 5, critical: 10, for: 0s, keepFiringFor: 0s,
                     onWarning: {webhook: '%s/scale', cooldown: 10m}}
                  - {name: latency, metric: p95-latency, warning: 1, critical: 5, for: 0s, keepFiringFor: 0s,
                     onWarning: {webhook: '%s/broken'}}
                  - {name: plain, metric: p99-latency, warning: 1, critical: 5, for: 0s, keepFiringFor: 0s}
                """.formatted(base, base);
        assertThat(server.put("/api/v1/rollouts/desk", T, plan, "application/yaml").status()).isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("userId", "b" + i));
        }
        ingest = server.token("ingest");
        // Telemetry is attributed by the published rules, rebuilt in the background after enrollments.
        await().atMost(WAIT).until(() -> server.node().rules().current().snapshot().rollouts().stream()
                .filter(r -> r.key().equals("desk")).anyMatch(r -> java.util.stream.IntStream.range(0, 10)
                        .allMatch(i -> r.membership("b" + i) == dev.phasegate.core.gate.Membership.ENROLLED)));
        clock.advance(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
        hooks.stop(0);
    }

    @Test
    void a_warning_calls_the_webhook_once_per_cooldown_and_a_warning_within_it_is_recorded_as_skipped() {
        Instant firstCall = clock.instant();
        breach(12);
        await().atMost(WAIT).until(() -> webhooks().size() == 1);
        JsonNode called = webhooks().get(0);
        assertThat(called.get("result").asText()).as(called.toString()).isEqualTo("ok");
        assertThat(called.get("guard").asText()).isEqualTo("errors");
        assertThat(called.get("detail").asText()).startsWith("HTTP 202 from http://127.0.0.1:");
        assertThat(called.get("why").asText()).startsWith("warning alert ").contains("of guard errors fired: error rate of beta 6.00 %");
        assertThat(received).singleElement().satisfies(body -> {
            assertThat(body.get("rollout").asText()).isEqualTo("desk");
            assertThat(body.get("guard").asText()).isEqualTo("errors");
            assertThat(body.get("severity").asText()).isEqualTo("warning");
            assertThat(body.get("summary").asText()).contains("6.00 %");
            assertThat(body.get("decision").get("observed").asDouble()).isEqualTo(6.0);
        });
        // Signed as notification webhooks are, with the key GET /api/v1/notifications/signing-key shows.
        String secret = server.get("/api/v1/notifications/signing-key", T).json().get("secret").asText();
        assertThat(signed).singleElement().satisfies(call -> {
            assertThat(call[0]).isEqualTo(String.valueOf(clock.instant().getEpochSecond()));
            assertThat(call[1]).isEqualTo(hmac(secret, call[0] + "." + call[2]));
        });

        recover();
        clock.advance(Duration.ofMinutes(1));
        breach(12);
        await().atMost(WAIT).until(() -> webhooks().size() == 2);
        JsonNode skipped = webhooks().get(0);
        assertThat(skipped.get("result").asText()).isEqualTo("skipped");
        assertThat(skipped.get("detail").asText()).contains("in cooldown (10m)", "may run again at " + firstCall.plus(Duration.ofMinutes(10)));
        assertThat(received).hasSize(1);

        recover();
        clock.advance(Duration.ofMinutes(10));
        breach(12);
        await().atMost(WAIT).until(() -> webhooks().size() == 3);
        assertThat(webhooks().get(0).get("result").asText()).isEqualTo("ok");
        assertThat(received).hasSize(2);
    }

    @Test
    void a_failing_webhook_is_recorded_as_failed_with_its_status_and_a_guard_without_a_hook_calls_nothing() {
        requests(200, 0, 2000);
        server.node().guards().tick();

        await().atMost(WAIT).until(() -> webhooks().size() == 1);
        JsonNode failed = webhooks().get(0);
        assertThat(failed.get("guard").asText()).isEqualTo("latency");
        assertThat(failed.get("result").asText()).isEqualTo("failed");
        assertThat(failed.get("detail").asText()).startsWith("HTTP 500 from ");
        // The p99 guard fired too, but has no hook: only the latency guard's call is recorded.
        assertThat(server.get("/api/v1/alerts?rollout=desk&state=firing", T).json().get("items").toString()).contains("\"plain\"");
        assertThat(webhooks()).hasSize(1);
        assertThat(received).isEmpty();
    }

    @Test
    void actions_are_listed_newest_first_paged_and_filtered_and_bad_queries_are_named() {
        ActionLog log = server.node().actions();
        for (int i = 0; i < 3; i++) {
            log.record(ActionRecord.of(clock.instant(), ActionRecord.ADVANCE, "desk", null, "test " + i)
                    .ended(ActionResult.OK, "done", 1, Map.of("i", i)));
        }
        log.record(ActionRecord.of(clock.instant(), ActionRecord.VACUUM, null, null, "store").ended(ActionResult.FAILED, "no", 2, null));

        JsonNode page = server.get("/api/v1/actions?kind=advance&limit=2", T).json();
        assertThat(page.get("items")).extracting(i -> i.get("why").asText()).containsExactly("test 2", "test 1");
        JsonNode next = server.get("/api/v1/actions?kind=advance&limit=2&before=" + page.get("next").asText(), T).json();
        assertThat(next.get("items")).extracting(i -> i.get("data").get("i").asInt()).containsExactly(0);
        assertThat(server.get("/api/v1/actions?rollout=desk", T).json().get("items")).hasSize(3);
        assertThat(server.get("/api/v1/actions", T).json().get("items").get(0).get("result").asText()).isEqualTo("failed");

        assertThat(server.get("/api/v1/actions", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/actions", server.token("ingest")).status()).isEqualTo(403);
        TestServer.Response badKind = server.get("/api/v1/actions?kind=DROP%20TABLE", T);
        assertThat(badKind.status()).isEqualTo(422);
        assertThat(badKind.json().get("field").asText()).isEqualTo("kind");
        assertThat(server.get("/api/v1/actions?limit=0", T).json().get("field").asText()).isEqualTo("limit");
        assertThat(server.get("/api/v1/actions?rollout=Bad%20Key", T).json().get("field").asText()).isEqualTo("rollout");
        assertThat(server.get("/api/v1/actions?before=x", T).status()).isEqualTo(422);
    }

    /** 200 beta requests one second ago, {@code errors} of them failed; then a guard tick. */
    private void breach(int errors) {
        requests(200, errors, 20);
        server.node().guards().tick();
    }

    /** Two minutes on, healthy traffic: the breach leaves the guards' one-minute window and the alert resolves. */
    private void recover() {
        clock.advance(Duration.ofMinutes(2));
        requests(200, 0, 20);
        server.node().guards().tick();
        assertThat(server.get("/api/v1/alerts?rollout=desk&state=firing", T).json().get("items")).isEmpty();
    }

    private void requests(int count, int errors, int latencyMs) {
        long at = clock.instant().minusSeconds(1).toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> e = new HashMap<>();
            e.put("type", "request");
            e.put("timestamp", at);
            e.put("userId", "b" + (i % 10));
            e.put("rollout", "desk");
            e.put("latencyMs", latencyMs);
            e.put("outcome", i < errors ? "error" : "ok");
            events.add(e);
        }
        TestServer.Response r = server.postJson("/api/v1/events", ingest, events);
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
    }

    private List<JsonNode> webhooks() {
        List<JsonNode> items = new ArrayList<>();
        server.get("/api/v1/actions?rollout=desk&kind=webhook", T).json().get("items").forEach(items::add);
        return items;
    }

    private static String hmac(String secret, String signed) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
