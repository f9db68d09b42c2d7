package dev.phasegate.server.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST /api/v1/events and GET /api/v1/rollouts/{key}/metrics against a real server on H2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventIngestHttpTest {

    private static final String ADMIN = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;
    private String ingest;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        ingest = server.token("ingest");
        // shop: phase 1 (capacity 1) unlocks shop-f1, phase 2 unlocks shop-f2. alice joins in phase 1, bob in phase 2.
        check(server.putJson("/api/v1/rollouts/shop", ADMIN, Plans.plan("shop", 1, 10)), 201);
        check(server.postJson("/api/v1/rollouts/shop/enrollments", ADMIN, Map.of("userId", "alice")), 201, 200);
        check(server.post("/api/v1/rollouts/shop/advance", ADMIN, ""), 200);
        check(server.postJson("/api/v1/rollouts/shop/enrollments", ADMIN, Map.of("userId", "bob")), 201, 200);
        // draft: never started, so events without a rollout key are not counted in it.
        Map<String, Object> draft = new java.util.LinkedHashMap<>(Plans.plan("draft", 5));
        draft.put("start", "draft");
        check(server.putJson("/api/v1/rollouts/draft", ADMIN, draft), 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var rollouts = server.node().rules().current().snapshot().rollouts();
            return rollouts.size() == 2 && rollouts.stream().anyMatch(r -> r.key().equals("shop") && r.currentPhase() == 2
                    && r.enrolled().contains("bob"));
        });
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private static void check(TestServer.Response r, int... statuses) {
        for (int s : statuses) {
            if (r.status() == s) {
                return;
            }
        }
        throw new AssertionError("unexpected " + r.status() + ": " + r.raw());
    }

    private TelemetryView view() {
        return server.node().telemetry().view();
    }

    private static String now(long offsetMillis) {
        return Instant.now().plusMillis(offsetMillis).toString();
    }

    private static String request(String rollout, String user, String latency, String outcome) {
        return "{\"type\":\"request\",\"timestamp\":\"" + now(0) + "\"" + (rollout == null ? "" : ",\"rollout\":\"" + rollout + "\"")
                + (user == null ? "" : ",\"userId\":\"" + user + "\"") + ",\"latencyMs\":" + latency + ",\"outcome\":\"" + outcome + "\"}";
    }

    private TestServer.Response post(String body) {
        return server.post("/api/v1/events", ingest, body);
    }

    /** One good event and one bad one; the bad one must be rejected with exactly this field. */
    private void rejects(String badEvent, String field, String detailPart) {
        TestServer.Response r = post("[" + request("shop", "carol", "12", "ok") + "," + badEvent + "]");
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).isEqualTo(1);
        JsonNode rejected = r.json().get("rejected");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(rejected.get(0).get("field").asText()).isEqualTo(field);
        assertThat(rejected.get(0).get("detail").asText()).contains(detailPart);
    }

    @Test
    void rejects_each_bad_event_by_index_and_field() {
        rejects("{\"type\":\"request\",\"timestamp\":\"" + now(3_600_000) + "\",\"latencyMs\":1,\"outcome\":\"ok\"}", "timestamp", "ahead");
        rejects("{\"type\":\"request\",\"timestamp\":\"" + now(-2 * 3_600_000) + "\",\"latencyMs\":1,\"outcome\":\"ok\"}", "timestamp", "old");
        rejects(request("shop", "u", "NaN", "ok"), "latencyMs", "was NaN");
        rejects(request("shop", "u", "-1", "ok"), "latencyMs", "≥ 0");
        rejects(request("shop", "u", "null", "ok"), "latencyMs", "finite");
        rejects(request("shop", "u", "5", "maybe"), "outcome", "'ok' or 'error'");
        rejects("{\"type\":\"feedback\",\"timestamp\":" + System.currentTimeMillis() + ",\"rollout\":\"shop\",\"rating\":0}", "rating", "1 to 5");
        rejects("{\"type\":\"feedback\",\"timestamp\":" + System.currentTimeMillis() + ",\"rollout\":\"shop\",\"rating\":6}", "rating", "1 to 5");
        rejects(request("nope", "u", "5", "ok"), "rollout", "not a known rollout");
        rejects("{\"type\":\"feature_used\",\"timestamp\":\"" + now(0) + "\",\"rollout\":\"shop\",\"feature\":\"draft-f1\"}", "feature",
                "not a feature of rollout 'shop'");
        rejects("{\"type\":\"feature_used\",\"timestamp\":\"" + now(0) + "\",\"feature\":\"ghost\"}", "feature", "any rollout");
        rejects("{\"type\":\"click\",\"timestamp\":\"" + now(0) + "\"}", "type", "must be one of");
        rejects("{\"type\":\"request\",\"timestamp\":\"" + now(0) + "\",\"latencyMs\":1,\"outcome\":\"ok\",\"colour\":\"red\"}", "colour",
                "not a known field");
        rejects("{\"type\":\"session\",\"timestamp\":\"" + now(0) + "\",\"latencyMs\":1}", "latencyMs", "not a field of a 'session' event");
        rejects("{\"type\":\"session\",\"timestamp\":\"" + now(0) + "\",\"start\":\"" + now(0) + "\",\"end\":\"" + now(-1000) + "\"}",
                "end", "before start");
        rejects("{\"type\":\"metric\",\"timestamp\":\"" + now(0) + "\",\"name\":\"Bad Name\",\"value\":1}", "name", "not a valid key");
        rejects("{\"type\":\"request\",\"latencyMs\":1,\"outcome\":\"ok\"}", "timestamp", "is required");
        rejects("{\"type\":\"request\",\"timestamp\":\"yesterday\",\"latencyMs\":1,\"outcome\":\"ok\"}", "timestamp", "ISO-8601");
        rejects("42", "", "must be a JSON object");
    }

    @Test
    void answers_422_with_every_error_when_no_event_is_valid() {
        TestServer.Response r = post("[" + request("shop", "u", "-5", "ok") + "," + request("nope", "u", "1", "ok") + "]");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("errors")).hasSize(2);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("latencyMs");
        assertThat(r.json().get("errors").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(r.json().get("errors").get(1).get("field").asText()).isEqualTo("rollout");
        assertThat(r.json().get("field").asText()).isEqualTo("[0].latencyMs");
    }

    @Test
    void refuses_whole_batches_that_are_malformed_or_too_large_and_stores_nothing() {
        long before = requests("limits");
        check(server.putJson("/api/v1/rollouts/limits", ADMIN, Plans.plan("limits", 5)), 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.node().rules().current().snapshot().rollouts().stream()
                .anyMatch(r -> r.key().equals("limits")));
        String good = request("limits", "u", "1", "ok");

        TestServer.Response malformed = post("[" + good + ",{\"type\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            many.add("{\"type\":\"request\",\"rollout\":\"limits\",\"timestamp\":" + System.currentTimeMillis() + ",\"latencyMs\":1,\"outcome\":\"ok\"}");
        }
        String tooMany = "[" + String.join(",", many) + "]";
        assertThat(tooMany.length()).isLessThan(EventParser.MAX_BYTES); // so it is the count that is refused
        TestServer.Response count = post(tooMany);
        assertThat(count.status()).isEqualTo(413);
        assertThat(count.raw()).contains("10000 events");

        String padding = "x".repeat(1_900);
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            big.add("{\"type\":\"feedback\",\"rollout\":\"limits\",\"timestamp\":" + System.currentTimeMillis() + ",\"rating\":3,\"comment\":\"" + padding + "\"}");
        }
        TestServer.Response bytes = post("[" + String.join(",", big) + "]");
        assertThat(bytes.status()).isEqualTo(413);
        assertThat(bytes.raw()).contains("1 MiB");

        Instant t = Instant.now();
        assertThat(view().window("limits", Cohort.CONTROL, null, t.minusSeconds(60), t.plusSeconds(60)).requests()).isEqualTo(before);
        assertThat(view().window("limits", Cohort.CONTROL, null, t.minusSeconds(60), t.plusSeconds(60)).feedbackCount()).isZero();
    }

    private long requests(String rollout) {
        Instant t = Instant.now();
        return view().window(rollout, Cohort.CONTROL, null, t.minusSeconds(3600), t.plusSeconds(60)).requests()
                + view().window(rollout, Cohort.BETA, null, t.minusSeconds(3600), t.plusSeconds(60)).requests();
    }

    @Test
    void ndjson_rejects_only_the_bad_line() {
        String body = "{\"type\":\"metric\",\"rollout\":\"shop\",\"timestamp\":\"" + now(0) + "\",\"name\":\"nd.queue\",\"value\":3}\n"
                + "{\"type\":\"metric\",\"rollout\":\"shop\",\"timestamp\":\"" + now(0) + "\",\"name\":\"nd.queue\",\"value\":\"high\"}\n"
                + "\n"
                + "{\"type\":\"metric\",\"rollout\":\"shop\",\"timestamp\":\"" + now(0) + "\",\"name\":\"nd.queue\",\"value\":5}\n"
                + "{not json\n";
        TestServer.Response r = server.send(server.request("/api/v1/events", ingest).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).isEqualTo(2);
        assertThat(r.json().get("rejected")).hasSize(2);
        assertThat(r.json().get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected").get(0).get("field").asText()).isEqualTo("value");
        assertThat(r.json().get("rejected").get(1).get("index").asInt()).isEqualTo(3);
        assertThat(r.json().get("rejected").get(1).get("field").asText()).isEmpty();
        Instant t = Instant.now();
        MetricStat stat = view().window("shop", Cohort.CONTROL, 0, t.minusSeconds(60), t.plusSeconds(60)).metric("nd.queue").orElseThrow();
        assertThat(stat.count()).isEqualTo(2);
        assertThat(stat.sum()).isEqualTo(8.0);
        assertThat(stat.max()).isEqualTo(5.0);
    }

    @Test
    void attributes_enrolled_users_to_beta_in_the_current_phase_and_others_to_control() {
        String body = "[" + String.join(",",
                // named rollout: alice and bob are enrolled (beta, current phase 2); dave is not (control, phase 0)
                request("shop", "alice", "10", "ok"), request("shop", "bob", "20", "error"), request("shop", "dave", "30", "ok"),
                // no rollout: counted in every active rollout (shop), not in the draft one
                "{\"type\":\"session\",\"userId\":\"alice\",\"timestamp\":\"" + now(0) + "\",\"durationMs\":60000}",
                "{\"type\":\"session\",\"userId\":\"erin\",\"timestamp\":\"" + now(0) + "\",\"start\":\"" + now(-30_000) + "\",\"end\":\"" + now(0) + "\"}",
                // feature_used without a rollout: its feature names the rollout
                "{\"type\":\"feature_used\",\"userId\":\"bob\",\"timestamp\":\"" + now(0) + "\",\"feature\":\"shop-f2\"}",
                "{\"type\":\"feedback\",\"userId\":\"bob\",\"rollout\":\"shop\",\"timestamp\":\"" + now(0) + "\",\"rating\":4,\"comment\":\"fast\"}")
                + "]";
        Instant t = Instant.now();
        Aggregate betaBefore = view().window("shop", Cohort.BETA, 2, t.minusSeconds(3600), t.plusSeconds(60));
        Aggregate controlBefore = view().window("shop", Cohort.CONTROL, 0, t.minusSeconds(3600), t.plusSeconds(60));
        TestServer.Response r = post(body);
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().get("stored").asInt()).isEqualTo(7);

        Aggregate beta = view().window("shop", Cohort.BETA, 2, t.minusSeconds(3600), t.plusSeconds(60));
        Aggregate control = view().window("shop", Cohort.CONTROL, 0, t.minusSeconds(3600), t.plusSeconds(60));
        assertThat(beta.requests() - betaBefore.requests()).isEqualTo(2);
        assertThat(beta.errors() - betaBefore.errors()).isEqualTo(1);
        assertThat(control.requests() - controlBefore.requests()).isEqualTo(1);
        assertThat(beta.sessions() - betaBefore.sessions()).isEqualTo(1);
        assertThat(control.sessions() - controlBefore.sessions()).isEqualTo(1);
        assertThat(beta.featureUsage().get("shop-f2") - betaBefore.featureUsage().getOrDefault("shop-f2", 0L)).isEqualTo(1);
        assertThat(beta.feedbackCount() - betaBefore.feedbackCount()).isEqualTo(1);
        assertThat(beta.comments()).anyMatch(c -> c.userId().equals("bob") && c.comment().equals("fast") && c.rating() == 4);
        assertThat(view().window("shop", Cohort.BETA, 1, t.minusSeconds(3600), t.plusSeconds(60)).requests()).isZero();
        assertThat(view().window("draft", Cohort.CONTROL, null, t.minusSeconds(3600), t.plusSeconds(60)).sessions()).isZero();
    }

    @Test
    void metrics_endpoint_merges_stored_rows_with_unflushed_memory() {
        check(server.putJson("/api/v1/rollouts/merge", ADMIN, Plans.plan("merge", 5)), 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.node().rules().current().snapshot().rollouts().stream()
                .anyMatch(r -> r.key().equals("merge")));
        long ts = (System.currentTimeMillis() / 10_000) * 10_000 - 20_000; // a closed bucket
        String three = "[" + String.join(",", List.of(
                "{\"type\":\"request\",\"rollout\":\"merge\",\"userId\":\"a\",\"timestamp\":" + ts + ",\"latencyMs\":10,\"outcome\":\"ok\"}",
                "{\"type\":\"request\",\"rollout\":\"merge\",\"userId\":\"b\",\"timestamp\":" + (ts + 1) + ",\"latencyMs\":20,\"outcome\":\"error\"}",
                "{\"type\":\"feedback\",\"rollout\":\"merge\",\"userId\":\"b\",\"timestamp\":" + (ts + 2) + ",\"rating\":2,\"comment\":\"slow\"}")) + "]";
        assertThat(post(three).status()).isEqualTo(202);
        assertThat(server.node().telemetry().flushAll()).isPositive();
        // A late event for the bucket just flushed: stays in memory until the next flush.
        assertThat(post("[{\"type\":\"request\",\"rollout\":\"merge\",\"userId\":\"c\",\"timestamp\":" + (ts + 3)
                + ",\"latencyMs\":30,\"outcome\":\"ok\"}]").status()).isEqualTo(202);

        Instant from = Instant.ofEpochMilli(ts - 60_000);
        TestServer.Response r = server.get("/api/v1/rollouts/merge/metrics?from=" + from + "&to=" + from.plusSeconds(120) + "&step=10s", ADMIN);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode points = r.json().get("control");
        assertThat(points).hasSize(12);
        JsonNode point = points.get(6);
        assertThat(point.get("t").asText()).isEqualTo(Instant.ofEpochMilli(ts).toString());
        assertThat(point.get("requests").asLong()).isEqualTo(3);
        assertThat(point.get("errors").asLong()).isEqualTo(1);
        assertThat(point.get("activeUsers").asLong()).isEqualTo(3);
        assertThat(point.get("feedbackAvg").asDouble()).isEqualTo(2.0);
        // 10 and 20 ms come from the stored row, 30 ms from memory: the median of the merge is 20 ms (within 1 %).
        assertThat(point.get("p50").asDouble()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.2));
        assertThat(point.get("p99").asDouble()).isGreaterThan(19.8);
        assertThat(points.get(5).get("requests").asLong()).isZero();
        assertThat(points.get(5).get("p50").isNull()).isTrue();
        assertThat(r.json().get("feedback").get(0).get("comment").asText()).isEqualTo("slow");
        assertThat(r.json().get("phases").has("1")).isTrue();
    }

    @Test
    void metrics_endpoint_checks_its_parameters() {
        assertThat(server.get("/api/v1/rollouts/ghost/metrics", ADMIN).status()).isEqualTo(404);
        TestServer.Response step = server.get("/api/v1/rollouts/shop/metrics?step=15s", ADMIN);
        assertThat(step.status()).isEqualTo(422);
        assertThat(step.json().get("field").asText()).isEqualTo("step");
        TestServer.Response points = server.get("/api/v1/rollouts/shop/metrics?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&step=10s", ADMIN);
        assertThat(points.status()).isEqualTo(422);
        assertThat(points.raw()).contains("8640 points");
        TestServer.Response byDefault = server.get("/api/v1/rollouts/shop/metrics?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z", ADMIN);
        assertThat(byDefault.status()).isEqualTo(200);
        assertThat(byDefault.json().get("step").asText()).isEqualTo("5m");
        assertThat(byDefault.json().get("beta")).hasSize(288);
        assertThat(server.get("/api/v1/rollouts/shop/metrics?from=tomorrow", ADMIN).json().get("field").asText()).isEqualTo("from");
        assertThat(server.get("/api/v1/rollouts/shop/metrics", ingest).status()).isEqualTo(403);
        assertThat(server.post("/api/v1/events", server.token("sdk"), "[]").status()).isEqualTo(403);
    }

    @Test
    void meters_count_stored_and_rejected_events_and_label_series_by_rollout_cohort_and_phase() {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        server.node().telemetry().meters().bindTo(registry);
        double stored = registry.get("phasegate.telemetry.events.stored").functionCounter().count();
        double badRatings = registry.get("phasegate.telemetry.events.rejected").tag("reason", "rating").functionCounter().count();
        double unknown = registry.get("phasegate.telemetry.events.rejected").tag("reason", "unknown_field").functionCounter().count();
        TestServer.Response r = post("[" + request("shop", "alice", "10", "error") + ","
                + "{\"type\":\"feedback\",\"timestamp\":\"" + now(0) + "\",\"rollout\":\"shop\",\"rating\":9},"
                + "{\"type\":\"feedback\",\"timestamp\":\"" + now(0) + "\",\"rollout\":\"shop\",\"rating\":3,\"mood\":\"meh\"}]");
        assertThat(r.status()).isEqualTo(202);
        assertThat(registry.get("phasegate.telemetry.events.stored").functionCounter().count()).isEqualTo(stored + 1);
        assertThat(registry.get("phasegate.telemetry.events.rejected").tag("reason", "rating").functionCounter().count()).isEqualTo(badRatings + 1);
        assertThat(registry.get("phasegate.telemetry.events.rejected").tag("reason", "unknown_field").functionCounter().count()).isEqualTo(unknown + 1);
        assertThat(registry.get("phasegate.telemetry.errors").tags("rollout", "shop", "cohort", "beta", "phase", "2").functionCounter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("phasegate.telemetry.error.rate.last.minute").tags("rollout", "shop", "cohort", "beta", "phase", "2").gauge().value())
                .isPositive();
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
                .isSubsetOf("rollout", "cohort", "phase", "reason", "outcome"));
    }
}
