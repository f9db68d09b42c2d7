package dev.phasegate.server.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard engine inside a real node: telemetry in over HTTP, a tick, decisions and alerts out over
 * HTTP. The clock is moved by hand, and the engine is ticked by the test (its own schedule is an hour).
 */
class GuardEngineTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private static final String PLAN = """
            rollout: desk
            phases:
              - {name: pilot, capacity: 50, features: [desk-orders]}
            guards:
              - {name: errors, metric: error-rate, warning: 1, critical: 2, for: 10s, keepFiringFor: 20s}
              - {name: vs-control, kind: comparison, metric: error-rate, for: 0s}
              - {name: upstream, metric: promql, query: 'sum(up)', warning: 1, critical: 2}
              - {name: queue, metric: custom, metricName: order-queue, warning: 100, critical: 500, for: 0s}
              - {name: latency-trend, kind: trend, metric: p95-latency, critical: 2, window: 5m, horizon: 30m, for: 0s}
            """;

    private TestStore store;
    private TestServer server;
    private TestClock clock;
    private String ingest;

    @BeforeEach
    void start() {
        store = TestStore.h2();
        clock = new TestClock(Instant.parse("2026-11-26T10:00:00Z"));
        server = TestServer.start(store.settings().withMonitoring(
                Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1))), clock);
        ingest = server.token("ingest");
        assertThat(server.put("/api/v1/rollouts/desk", T, PLAN, "application/yaml").status()).isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("userId", "b" + i));
        }
        server.awaitEnrolled("desk", java.util.stream.IntStream.range(0, 10).mapToObj(i -> "b" + i).toList());
        // Comparisons count from the start of the phase: let traffic arrive after it.
        clock.advance(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    @Test
    void a_breach_is_judged_explained_stored_and_alerted_then_resolves_after_recovery() {
        traffic(1000, 100, 1000, 10);
        metric("order-queue", 700);
        tick();

        JsonNode errors = latest("errors");
        assertThat(errors.get("result").asText()).isEqualTo("critical");
        assertThat(errors.get("observed").asDouble()).isEqualTo(10.0);
        assertThat(errors.get("samples").asLong()).isEqualTo(1000);
        assertThat(errors.get("critical").asDouble()).isEqualTo(2.0);
        assertThat(errors.get("explanation").asText()).contains("error rate of beta", "10.00 %", "≥ critical 2.00 %", "1,000 requests");
        JsonNode comparison = latest("vs-control");
        assertThat(comparison.get("result").asText()).isEqualTo("critical");
        assertThat(comparison.get("samples").asLong()).isEqualTo(1000);
        assertThat(comparison.get("controlSamples").asLong()).isEqualTo(1000);
        assertThat(comparison.get("lower").asDouble()).isPositive();
        assertThat(latest("upstream").get("result").asText()).isEqualTo("error");
        assertThat(latest("upstream").get("explanation").asText()).contains("prometheusUrl");
        assertThat(latest("queue").get("result").asText()).as(latest("queue").toString()).isEqualTo("critical");
        assertThat(latest("queue").get("observed").asDouble()).isEqualTo(700.0);

        // `for: 10s` holds the error-rate alerts pending; `for: 0s` fires at once.
        assertThat(alert("errors", "critical", "breach").get("state").asText()).isEqualTo("pending");
        assertThat(alert("queue", "critical", "breach").get("state").asText()).isEqualTo("firing");
        assertThat(alert("vs-control", "critical", "breach").get("state").asText()).isEqualTo("firing");
        assertThat(alert("upstream", "warning", "unavailable").get("state").asText()).isEqualTo("pending");

        clock.advance(Duration.ofSeconds(11));
        traffic(1000, 100, 1000, 10);
        tick();
        JsonNode firing = alert("errors", "critical", "breach");
        assertThat(firing.get("state").asText()).isEqualTo("firing");
        assertThat(firing.toString()).contains("10.00 %");
        JsonNode history = server.get("/api/v1/rollouts/desk/decisions?guard=errors", T).json().get("items");
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.get(0).get("at").asText()).isEqualTo("2026-11-26T10:00:41Z");

        // No traffic: insufficient data holds the alert firing instead of resolving it.
        clock.advance(Duration.ofMinutes(2));
        tick();
        assertThat(latest("errors").get("result").asText()).isEqualTo("insufficient-data");
        assertThat(latest("errors").get("explanation").asText()).contains("insufficient data", "100 needed");
        assertThat(alert("errors", "critical", "breach").get("state").asText()).isEqualTo("firing");

        // Healthy traffic: clear, and resolved once it stayed clear for keepFiringFor (20 s).
        traffic(1000, 0, 1000, 10);
        tick();
        assertThat(latest("errors").get("result").asText()).isEqualTo("ok");
        assertThat(alert("errors", "critical", "breach").get("state").asText()).isEqualTo("firing");
        clock.advance(Duration.ofSeconds(21));
        traffic(1000, 0, 1000, 10);
        tick();
        assertThat(alertOrNull("errors", "critical", "breach", "firing")).isNull();
        assertThat(server.get("/api/v1/alerts?state=resolved&rollout=desk", T).json().get("items").toString())
                .contains("\"guard\":\"errors\"");

        String metrics = server.get("/metrics", T).raw();
        assertThat(metrics).contains("phasegate_guard_result{guard=\"errors\",rollout=\"desk\"} 0.0")
                .contains("phasegate_guard_result{guard=\"upstream\",rollout=\"desk\"} -2.0");
    }

    @Test
    void a_latency_climbing_towards_critical_is_forecast_to_cross_and_warns() {
        for (int step = 0; step < 30; step++) {
            latency(100, 100 + 30 * step);
            clock.advance(Duration.ofSeconds(10));
        }
        tick();

        JsonNode trend = latest("latency-trend");
        assertThat(trend.get("result").asText()).as(trend.toString()).isEqualTo("warning");
        assertThat(trend.get("explanation").asText()).containsIgnoringCase("predicted to cross critical (2.000) in ~6 minutes");
        // 3 ms a second from about 0.97 s: 2 s is about 340 s away.
        assertThat(trend.get("figures").get("timeToCrossSeconds").asLong()).isBetween(240L, 480L);
        assertThat(trend.get("figures").get("rSquared").asDouble()).isGreaterThan(0.9);
        assertThat(alert("latency-trend", "warning", "breach").get("state").asText()).isEqualTo("firing");
        assertThat(alertOrNull("latency-trend", "critical", "breach", null)).isNull();
    }

    @Test
    void a_flat_latency_is_no_trend_warning() {
        for (int step = 0; step < 30; step++) {
            latency(100, 300);
            clock.advance(Duration.ofSeconds(10));
        }
        tick();

        assertThat(latest("latency-trend").get("result").asText()).isIn("ok", "insufficient-data");
        assertThat(alertOrNull("latency-trend", "warning", "breach", null)).isNull();
    }

    @Test
    void too_few_requests_are_insufficient_data_and_raise_no_alert() {
        traffic(50, 25, 50, 0);
        tick();

        assertThat(latest("errors").get("result").asText()).isEqualTo("insufficient-data");
        assertThat(latest("vs-control").get("result").asText()).isEqualTo("insufficient-data");
        assertThat(alertOrNull("errors", "critical", "breach", null)).isNull();
        assertThat(alertOrNull("errors", "warning", "breach", null)).isNull();
    }

    @Test
    void guards_of_a_rollout_that_finished_stop_being_evaluated_and_their_alerts_resolve() {
        metric("order-queue", 700);
        tick();
        assertThat(alert("queue", "critical", "breach").get("state").asText()).isEqualTo("firing");

        assertThat(server.postJson("/api/v1/rollouts/desk/complete", T, Map.of("reason", "done")).status()).isEqualTo(200);
        tick();
        clock.advance(Duration.ofMinutes(2));
        tick();

        assertThat(alertOrNull("queue", "critical", "breach", "firing")).isNull();
        assertThat(server.get("/api/v1/rollouts/desk/guards", T).json().get("items").get(0).hasNonNull("latest")).isFalse();
    }

    @Test
    void decisions_answer_bad_queries_with_problems() {
        assertThat(server.get("/api/v1/rollouts/nope/guards", T).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/rollouts/desk/decisions?guard=nope", T).json().toString()).contains("guard");
        assertThat(server.get("/api/v1/rollouts/desk/decisions?from=yesterday", T).status()).isEqualTo(422);
        assertThat(server.get("/api/v1/rollouts/desk/decisions?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z", T).status())
                .isEqualTo(422);
        assertThat(server.get("/api/v1/decisions/12x", T).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/rollouts/desk/guards", server.token("sdk")).status()).isEqualTo(403);
    }

    private void tick() {
        server.node().guards().tick();
    }

    /** Requests one second ago: beta from enrolled users b0..b9, control from c0..c99. */
    private void traffic(int beta, int betaErrors, int control, int controlErrors) {
        long at = clock.instant().minusSeconds(1).toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < beta; i++) {
            events.add(request("b" + (i % 10), at, i < betaErrors));
        }
        for (int i = 0; i < control; i++) {
            events.add(request("c" + (i % 100), at, i < controlErrors));
        }
        TestServer.Response r = server.postJson("/api/v1/events", ingest, events);
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).isEqualTo(beta + control);
    }

    /** Beta requests one second ago, all with the same latency. */
    private void latency(int requests, int latencyMs) {
        long at = clock.instant().minusSeconds(1).toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Map<String, Object> e = request("b" + (i % 10), at, false);
            e.put("latencyMs", latencyMs);
            events.add(e);
        }
        assertThat(server.postJson("/api/v1/events", ingest, events).status()).isEqualTo(202);
    }

    private static Map<String, Object> request(String user, long at, boolean error) {
        Map<String, Object> e = new HashMap<>();
        e.put("type", "request");
        e.put("timestamp", at);
        e.put("userId", user);
        e.put("rollout", "desk");
        e.put("latencyMs", 20);
        e.put("outcome", error ? "error" : "ok");
        return e;
    }

    private void metric(String name, double value) {
        Map<String, Object> e = Map.of("type", "metric", "timestamp", clock.instant().minusSeconds(1).toEpochMilli(),
                "rollout", "desk", "name", name, "value", value);
        TestServer.Response r = server.postJson("/api/v1/events", ingest, List.of(e));
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).as(r.raw()).isEqualTo(1);
    }

    private JsonNode latest(String guard) {
        for (JsonNode item : server.get("/api/v1/rollouts/desk/guards", T).json().get("items")) {
            if (item.get("guard").get("name").asText().equals(guard)) {
                return item.get("latest");
            }
        }
        throw new AssertionError("no guard " + guard);
    }

    private JsonNode alert(String guard, String severity, String kind) {
        JsonNode a = alertOrNull(guard, severity, kind, null);
        assertThat(a).as("open alert of " + guard + "/" + severity + "/" + kind).isNotNull();
        return a;
    }

    private JsonNode alertOrNull(String guard, String severity, String kind, String state) {
        String query = "/api/v1/alerts?rollout=desk&severity=" + severity + (state == null ? "" : "&state=" + state);
        for (JsonNode a : server.get(query, T).json().get("items")) {
            JsonNode labels = a.get("labels");
            boolean open = state != null || !a.get("state").asText().equals("resolved");
            if (open && labels.get("guard").asText().equals(guard) && labels.get("alert").asText().equals(kind)) {
                return a;
            }
        }
        return null;
    }
}
