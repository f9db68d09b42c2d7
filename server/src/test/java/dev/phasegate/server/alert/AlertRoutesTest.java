package dev.phasegate.server.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert and silence routes over real HTTP, with every kind of token. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRoutesTest {

    static final String ADMIN = TestStore.ADMIN_TOKEN;
    TestStore store;
    TestServer server;
    String operator;
    String sdk;
    String ingest;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        operator = server.token("operator");
        sdk = server.token("sdk");
        ingest = server.token("ingest");
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

    private long fire(String rollout, String guard, Severity severity, Duration keepFiringFor) {
        AlertRule rule = AlertBookContract.rule(rollout, guard, severity, Duration.ZERO, keepFiringFor);
        return server.node().alerts().observe(rule, Condition.BREACHING, "error rate 3.2 % ≥ critical 2 % over 1m, 4,210 requests",
                Map.of("value", 0.032, "threshold", 0.02, "requests", 4210)).get(0).alert().id();
    }

    private static String silenceBody(String rollout) {
        return "{\"matchers\": [{\"name\": \"rollout\", \"value\": \"" + rollout + "\", \"isRegex\": false}], \"endsAt\": \""
                + Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS) + "\", \"comment\": \"maintenance\"}";
    }

    @Test
    void alerts_are_listed_newest_first_with_filters_and_read_one_by_one_with_their_history() {
        long warning = fire("routes-list", "error-rate", Severity.WARNING, Duration.ofMinutes(5));
        long critical = fire("routes-list", "latency-p99", Severity.CRITICAL, Duration.ofMinutes(5));
        TestServer.Response list = server.get("/api/v1/alerts?rollout=routes-list", operator);
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        list.json().get("items").forEach(a -> ids.add(a.get("id").asLong()));
        assertThat(ids).containsExactly(critical, warning);
        JsonNode first = list.json().get("items").get(0);
        assertThat(first.get("state").asText()).isEqualTo("firing");
        assertThat(first.get("severity").asText()).isEqualTo("critical");
        assertThat(first.get("labels").get("guard").asText()).isEqualTo("latency-p99");
        assertThat(first.get("silenced").asBoolean()).isFalse();
        assertThat(first.get("decision").get("requests").asInt()).isEqualTo(4210);
        assertThat(first.has("history")).as("history only for one alert").isFalse();

        assertThat(server.get("/api/v1/alerts?rollout=routes-list&severity=warning", operator).json().get("items"))
                .extracting(a -> a.get("id").asLong()).containsExactly(warning);
        assertThat(server.get("/api/v1/alerts?rollout=routes-list&state=resolved", operator).json().get("items")).isEmpty();
        assertThat(server.get("/api/v1/alerts?rollout=routes-list&limit=1", operator).json().get("next").asText())
                .isEqualTo(String.valueOf(critical));

        TestServer.Response one = server.get("/api/v1/alerts/" + warning, ADMIN);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("history").get(0).get("kind").asText()).isEqualTo("firing");
        assertThat(one.json().get("history").get(0).get("detail").get("decision").get("threshold").asDouble()).isEqualTo(0.02);
    }

    @Test
    void an_alert_is_acknowledged_with_an_optional_comment_and_a_resolved_one_cannot_be() {
        long id = fire("routes-ack", "error-rate", Severity.CRITICAL, Duration.ZERO);
        TestServer.Response acked = server.post("/api/v1/alerts/" + id + "/ack", operator, "{\"comment\": \"on it\"}");
        assertThat(acked.status()).as(acked.raw()).isEqualTo(200);
        assertThat(acked.json().get("acknowledgement").get("comment").asText()).isEqualTo("on it");
        assertThat(acked.json().get("acknowledgement").get("by").asText()).startsWith("token:");
        assertThat(server.post("/api/v1/alerts/" + id + "/ack", operator, "").status()).as("the body is optional").isEqualTo(200);
        JsonNode audit = server.get("/api/v1/audit?rollout=routes-ack", ADMIN).json().get("items");
        assertThat(audit.get(0).get("action").asText()).isEqualTo("alert.acknowledged");

        TestServer.Response unknownField = server.post("/api/v1/alerts/" + id + "/ack", operator, "{\"coment\": \"typo\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("field").asText()).isEqualTo("coment");

        server.node().alerts().observe(AlertBookContract.rule("routes-ack", "error-rate", Severity.CRITICAL, Duration.ZERO, Duration.ZERO),
                Condition.CLEAR, "ok", Map.of());
        TestServer.Response conflict = server.post("/api/v1/alerts/" + id + "/ack", operator, "");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.contentType()).startsWith("application/problem+json");
    }

    @Test
    void bad_ids_are_404_and_bad_parameters_422_naming_them() {
        assertThat(server.get("/api/v1/alerts/987654321", operator).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/alerts/abc", operator).status()).isEqualTo(404);
        assertThat(server.post("/api/v1/alerts/-1/ack", operator, "").status()).isEqualTo(404);
        assertThat(server.post("/api/v1/silences/987654321/expire", operator, "").status()).isEqualTo(404);
        for (String query : List.of("state=open", "severity=info", "limit=0", "silenced=yes", "since=yesterday", "before=x")) {
            TestServer.Response r = server.get("/api/v1/alerts?" + query, operator);
            assertThat(r.status()).as(query).isEqualTo(422);
            assertThat(r.json().get("field").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void a_silence_is_created_listed_applied_and_expired_early() {
        long id = fire("routes-silence", "error-rate", Severity.CRITICAL, Duration.ofMinutes(5));
        TestServer.Response created = server.post("/api/v1/silences", operator, silenceBody("routes-silence"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        long silence = created.json().get("id").asLong();
        assertThat(created.json().get("state").asText()).isEqualTo("active");
        assertThat(created.json().get("matchers").get(0).get("isRegex").asBoolean()).isFalse();

        JsonNode alert = server.get("/api/v1/alerts/" + id, operator).json();
        assertThat(alert.get("silenced").asBoolean()).isTrue();
        assertThat(alert.get("silencedBy").get(0).asLong()).isEqualTo(silence);
        assertThat(server.get("/api/v1/alerts?rollout=routes-silence&silenced=true", operator).json().get("items")).hasSize(1);
        assertThat(server.get("/api/v1/silences", operator).json().get("items")).extracting(s -> s.get("id").asLong()).contains(silence);

        TestServer.Response expired = server.post("/api/v1/silences/" + silence + "/expire", operator, "");
        assertThat(expired.status()).as(expired.raw()).isEqualTo(200);
        assertThat(expired.json().get("state").asText()).isEqualTo("expired");
        assertThat(server.post("/api/v1/silences/" + silence + "/expire", operator, "").status()).isEqualTo(409);
        assertThat(server.get("/api/v1/alerts/" + id, operator).json().get("silenced").asBoolean()).isFalse();
        assertThat(server.get("/api/v1/silences", operator).json().get("items")).extracting(s -> s.get("id").asLong()).doesNotContain(silence);
        assertThat(server.get("/api/v1/silences?expired=true", operator).json().get("items")).extracting(s -> s.get("id").asLong())
                .contains(silence);
    }

    @Test
    void a_bad_silence_is_refused_naming_the_field_and_writes_nothing() {
        int before = server.get("/api/v1/silences?expired=true", ADMIN).json().get("items").size();
        String end = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
        TestServer.Response regex = server.post("/api/v1/silences", operator, "{\"matchers\": [{\"name\": \"guard\", \"value\": \"lat(\", "
                + "\"isRegex\": true}], \"endsAt\": \"" + end + "\", \"comment\": \"x\"}");
        assertThat(regex.status()).isEqualTo(422);
        assertThat(regex.json().get("field").asText()).isEqualTo("matchers[0].value");
        TestServer.Response noEnd = server.post("/api/v1/silences", operator,
                "{\"matchers\": [{\"name\": \"rollout\", \"value\": \"a\"}], \"comment\": \"x\"}");
        assertThat(noEnd.status()).isEqualTo(422);
        assertThat(noEnd.json().get("field").asText()).isEqualTo("endsAt");
        TestServer.Response badTime = server.post("/api/v1/silences", operator,
                "{\"matchers\": [{\"name\": \"rollout\", \"value\": \"a\"}], \"endsAt\": \"tomorrow\", \"comment\": \"x\"}");
        assertThat(badTime.status()).isEqualTo(400);
        assertThat(badTime.json().get("field").asText()).isEqualTo("endsAt");
        TestServer.Response unknown = server.post("/api/v1/silences", operator,
                "{\"matchers\": [{\"name\": \"rollout\", \"value\": \"a\", \"regex\": true}], \"endsAt\": \"" + end + "\", \"comment\": \"x\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("field").asText()).isEqualTo("matchers[0].regex");
        assertThat(server.post("/api/v1/silences", operator, "").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/silences?expired=true", ADMIN).json().get("items")).hasSize(before);
    }

    @Test
    void reading_needs_read_and_changing_needs_operate() {
        long id = fire("routes-auth", "error-rate", Severity.WARNING, Duration.ofMinutes(5));
        List<String[]> reads = List.of(new String[]{"GET", "/api/v1/alerts"}, new String[]{"GET", "/api/v1/alerts/" + id},
                new String[]{"GET", "/api/v1/silences"});
        List<String[]> changes = List.of(new String[]{"POST", "/api/v1/alerts/" + id + "/ack"}, new String[]{"POST", "/api/v1/silences"},
                new String[]{"POST", "/api/v1/silences/987654321/expire"});
        for (String[] route : concat(reads, changes)) {
            assertThat(call(route, null).status()).as("no token: " + route[1]).isEqualTo(401);
            assertThat(call(route, "phg_bogus").status()).as("bogus token: " + route[1]).isEqualTo(401);
            assertThat(call(route, sdk).status()).as("sdk: " + route[1]).isEqualTo(403);
            assertThat(call(route, ingest).status()).as("ingest: " + route[1]).isEqualTo(403);
        }
        for (String[] route : reads) {
            assertThat(call(route, operator).status()).as("operator: " + route[1]).isEqualTo(200);
        }
        assertThat(call(changes.get(0), operator).status()).isEqualTo(200);
        assertThat(server.post("/api/v1/silences", operator, silenceBody("routes-auth")).status()).isEqualTo(201);
        assertThat(call(changes.get(2), ADMIN).status()).as("passes authorization, then not found").isEqualTo(404);
    }

    private TestServer.Response call(String[] route, String token) {
        return route[0].equals("GET") ? server.get(route[1], token) : server.post(route[1], token, "");
    }

    private static List<String[]> concat(List<String[]> a, List<String[]> b) {
        List<String[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
