package dev.phasegate.server.incident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.alert.AlertRule;
import dev.phasegate.server.alert.Condition;
import dev.phasegate.server.alert.Severity;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The incident routes over real HTTP, with every kind of token, on a node wired as in production. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentRoutesTest {

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
        for (String key : List.of("routes-lifecycle", "routes-errors", "routes-report")) {
            TestServer.Response r = server.putJson("/api/v1/rollouts/" + key, operator, Plans.plan(key, 5, 15));
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
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

    private long open(String rollout, String title, String severity) {
        TestServer.Response r = server.postJson("/api/v1/incidents", operator,
                Map.of("rollout", rollout, "title", title, "severity", severity, "summary", "beta users see errors"));
        assertThat(r.status()).as(r.raw()).isIn(200, 201);
        return r.json().get("id").asLong();
    }

    private static String field(TestServer.Response r) {
        return r.json().get("field").asText();
    }

    @Test
    void an_operator_opens_acknowledges_comments_assigns_and_resolves_an_incident() {
        TestServer.Response created = server.postJson("/api/v1/incidents", operator,
                Map.of("rollout", "routes-lifecycle", "title", "checkout errors", "severity", "sev3", "summary", "beta users see errors"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode incident = created.json();
        long id = incident.get("id").asLong();
        assertThat(incident.get("state").asText()).isEqualTo("open");
        assertThat(incident.get("severity").asText()).isEqualTo("sev3");
        assertThat(incident.get("phaseAtOpen").asInt()).isEqualTo(1);
        assertThat(incident.get("openedBy").asText()).contains("test operator");
        assertThat(incident.get("timeline")).hasSize(1);

        // A second report on the same rollout joins the active incident and may raise its severity.
        TestServer.Response joined = server.postJson("/api/v1/incidents", operator,
                Map.of("rollout", "routes-lifecycle", "title", "payments down too", "severity", "sev1"));
        assertThat(joined.status()).as(joined.raw()).isEqualTo(200);
        assertThat(joined.json().get("id").asLong()).isEqualTo(id);
        assertThat(joined.json().get("severity").asText()).isEqualTo("sev1");

        TestServer.Response acked = server.post("/api/v1/incidents/" + id + "/ack", operator, "");
        assertThat(acked.status()).as(acked.raw()).isEqualTo(200);
        assertThat(acked.json().get("state").asText()).isEqualTo("acknowledged");
        TestServer.Response again = server.post("/api/v1/incidents/" + id + "/ack", operator, "{\"note\": \"me too\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");

        TestServer.Response comment = server.postJson("/api/v1/incidents/" + id + "/comments", operator, Map.of("text", "looking at the logs"));
        assertThat(comment.status()).as(comment.raw()).isEqualTo(201);
        assertThat(comment.json().get("kind").asText()).isEqualTo("comment");
        TestServer.Response assigned = server.postJson("/api/v1/incidents/" + id + "/assign", operator, Map.of("assignee", "bob"));
        assertThat(assigned.json().get("assignee").asText()).isEqualTo("bob");

        TestServer.Response resolved = server.postJson("/api/v1/incidents/" + id + "/resolve", operator, Map.of("resolution", "rolled back"));
        assertThat(resolved.status()).as(resolved.raw()).isEqualTo(200);
        assertThat(resolved.json().get("state").asText()).isEqualTo("resolved");
        assertThat(server.postJson("/api/v1/incidents/" + id + "/resolve", operator, Map.of("resolution", "again")).status()).isEqualTo(409);

        JsonNode read = server.get("/api/v1/incidents/" + id, operator).json();
        List<String> kinds = new ArrayList<>();
        read.get("timeline").forEach(e -> kinds.add(e.get("kind").asText()));
        assertThat(kinds).containsExactly("state", "action", "state", "state", "comment", "state", "state");

        JsonNode list = server.get("/api/v1/incidents?rollout=routes-lifecycle&state=resolved&severity=sev1", operator).json();
        assertThat(list.get("items")).hasSize(1);
        assertThat(list.get("items").get(0).has("timeline")).as("timelines only for one incident").isFalse();
        assertThat(server.get("/api/v1/incidents?rollout=routes-lifecycle&state=open", operator).json().get("items")).isEmpty();

        List<String> audit = new ArrayList<>();
        server.get("/api/v1/audit?rollout=routes-lifecycle", operator).json().get("items").forEach(e -> audit.add(e.get("action").asText()));
        assertThat(audit).contains("incident.opened", "incident.severity-raised", "incident.acknowledged", "incident.commented",
                "incident.assigned", "incident.resolved");
    }

    @Test
    void tokens_are_checked_unknown_ids_are_404_and_bad_input_names_the_field() {
        long id = open("routes-errors", "t", "sev4");
        assertThat(server.get("/api/v1/incidents", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/incidents/" + id + "/report", "phg_not-a-token").status()).isEqualTo(401);
        assertThat(server.get("/api/v1/incidents", sdk).status()).isEqualTo(403);
        assertThat(server.post("/api/v1/incidents/" + id + "/ack", ingest, "").status()).isEqualTo(403);
        assertThat(server.postJson("/api/v1/incidents", sdk, Map.of("title", "t", "severity", "sev1")).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/incidents", ADMIN).status()).isEqualTo(200);

        assertThat(server.get("/api/v1/incidents/999999", operator).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/incidents/abc", operator).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/incidents/999999/report", operator).status()).isEqualTo(404);
        assertThat(server.post("/api/v1/incidents/999999/ack", operator, "").status()).isEqualTo(404);
        assertThat(server.postJson("/api/v1/incidents/999999/comments", operator, Map.of("text", "x")).status()).isEqualTo(404);

        TestServer.Response unknownRollout = server.postJson("/api/v1/incidents", operator,
                Map.of("rollout", "no-such-rollout", "title", "t", "severity", "sev2"));
        assertThat(unknownRollout.status()).isEqualTo(422);
        assertThat(field(unknownRollout)).isEqualTo("rollout");
        TestServer.Response noTitle = server.postJson("/api/v1/incidents", operator, Map.of("severity", "sev2"));
        assertThat(noTitle.status()).isEqualTo(422);
        assertThat(field(noTitle)).isEqualTo("title");
        TestServer.Response badSeverity = server.postJson("/api/v1/incidents", operator, Map.of("title", "t", "severity", "critical"));
        assertThat(badSeverity.status()).isEqualTo(422);
        assertThat(field(badSeverity)).isEqualTo("severity");
        TestServer.Response unknownField = server.postJson("/api/v1/incidents", operator, Map.of("title", "t", "severity", "sev2", "x", 1));
        assertThat(unknownField.status()).isEqualTo(400);
        TestServer.Response emptyComment = server.postJson("/api/v1/incidents/" + id + "/comments", operator, Map.of("text", ""));
        assertThat(emptyComment.status()).isEqualTo(422);
        assertThat(field(emptyComment)).isEqualTo("text");
        TestServer.Response longComment = server.postJson("/api/v1/incidents/" + id + "/comments", operator, Map.of("text", "x".repeat(10_001)));
        assertThat(longComment.status()).isEqualTo(422);
        TestServer.Response noResolution = server.post("/api/v1/incidents/" + id + "/resolve", operator, "{}");
        assertThat(noResolution.status()).isEqualTo(422);
        assertThat(field(noResolution)).isEqualTo("resolution");
        TestServer.Response noBody = server.post("/api/v1/incidents/" + id + "/assign", operator, "");
        assertThat(noBody.status()).isEqualTo(400);
        TestServer.Response badState = server.get("/api/v1/incidents?state=closed", operator);
        assertThat(badState.status()).isEqualTo(422);
        assertThat(field(badState)).isEqualTo("state");
        assertThat(field(server.get("/api/v1/incidents?severity=sev5", operator))).isEqualTo("severity");
        assertThat(field(server.get("/api/v1/incidents?limit=0", operator))).isEqualTo("limit");
        assertThat(field(server.get("/api/v1/incidents?rollout=Bad%20Key", operator))).isEqualTo("rollout");
        assertThat(field(server.get("/api/v1/incidents/" + id + "/report?format=pdf", operator))).isEqualTo("format");

        // None of the refused requests changed the incident.
        JsonNode after = server.get("/api/v1/incidents/" + id, operator).json();
        assertThat(after.get("state").asText()).isEqualTo("open");
        assertThat(after.get("timeline")).hasSize(1);
    }

    @Test
    void the_report_is_json_by_default_and_markdown_on_request() {
        long id = open("routes-report", "latency spike", "sev2");
        server.postJson("/api/v1/incidents/" + id + "/comments", operator, Map.of("text", "p99 back to normal"));

        TestServer.Response json = server.get("/api/v1/incidents/" + id + "/report", operator);
        assertThat(json.status()).as(json.raw()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
        assertThat(json.json().get("summary").get("title").asText()).isEqualTo("latency spike");
        assertThat(json.json().get("impact").get("phases").get(0).get("phase").asInt()).isEqualTo(1);
        assertThat(json.json().get("durations").get("resolution").isNull()).isTrue();
        assertThat(json.json().get("timeline")).hasSize(2);

        TestServer.Response md = server.get("/api/v1/incidents/" + id + "/report?format=md", operator);
        assertThat(md.status()).isEqualTo(200);
        assertThat(md.contentType()).isEqualTo("text/markdown; charset=utf-8");
        assertThat(md.raw()).startsWith("# Incident " + id + ": latency spike").contains("## Timeline", "p99 back to normal");

        TestServer.Response accepted = server.send(server.request("/api/v1/incidents/" + id + "/report", operator)
                .header("Accept", "text/markdown").GET().build());
        assertThat(accepted.contentType()).startsWith("text/markdown");
        assertThat(accepted.raw()).contains("| Resolution | opened ");
    }

    @Test
    void a_critical_alert_of_the_wired_node_opens_an_incident_listed_by_the_api() {
        AlertRule rule = new AlertRule(Map.of("rollout", "routes-alerts", "guard", "error-rate", "scope", "beta", "severity", "critical"),
                Severity.CRITICAL, Duration.ZERO, Duration.ofMinutes(5));
        server.node().alerts().observe(rule, Condition.BREACHING, "error rate 3.2 % ≥ critical 2 %", Map.of("observed", 3.2));
        JsonNode items = server.get("/api/v1/incidents?rollout=routes-alerts", operator).json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("openedBy").asText()).isEqualTo("system");
        assertThat(items.get(0).get("severity").asText()).isEqualTo("sev2");
        assertThat(server.node().incidents().alertFailures()).isZero();
    }
}
