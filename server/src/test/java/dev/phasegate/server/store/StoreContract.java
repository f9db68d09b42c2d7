package dev.phasegate.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract: what every store must do, checked through the real HTTP API on a fresh store.
 * {@code H2StoreTest} and {@code PostgresStoreTest} run it on each implementation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {

    static final String T = TestStore.ADMIN_TOKEN;
    TestStore store;
    TestServer server;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() {
        store = TestStore.create(kind());
        server = TestServer.start(store.settings());
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

    private JsonNode enroll(String key, String user) {
        TestServer.Response r = server.postJson("/api/v1/rollouts/" + key + "/enrollments", T, Map.of("userId", user, "email", user + "@example.com"));
        assertThat(r.status()).as(r.raw()).isIn(200, 201);
        return r.json();
    }

    private Map<String, JsonNode> features(String key, String user) {
        JsonNode answer = server.get("/api/v1/rollouts/" + key + "/users/" + user + "/features", T).json();
        Map<String, JsonNode> byKey = new HashMap<>();
        answer.get("features").forEach(f -> byKey.put(f.get("key").asText(), f));
        return byKey;
    }

    @Test
    void the_reference_plan_applies_from_yaml_and_reports_its_phases() {
        TestServer.Response dry = server.put("/api/v1/rollouts/trading-engine-v2?dryRun=true", T, Plans.referenceYaml(), "application/yaml");
        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/rollouts/trading-engine-v2", T).status()).as("a dry run writes nothing").isEqualTo(404);

        TestServer.Response r = server.put("/api/v1/rollouts/trading-engine-v2", T, Plans.referenceYaml(), "application/yaml");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        JsonNode rollout = server.get("/api/v1/rollouts/trading-engine-v2", T).json();
        assertThat(rollout.get("state").asText()).isEqualTo("active");
        assertThat(rollout.get("currentPhase").asInt()).isEqualTo(1);
        List<Integer> capacities = new ArrayList<>();
        rollout.get("phases").forEach(p -> capacities.add(p.get("capacity").asInt()));
        assertThat(capacities).containsExactly(5, 15, 50, 100);
        assertThat(rollout.get("phases").get(3).get("featuresCumulative").toString())
                .contains("basic-trading", "portfolio-view", "ai-analysis", "advanced-strategies");
        JsonNode guards = rollout.get("plan").get("guards");
        assertThat(guards.toString()).contains("\"warning\":70.0", "\"critical\":85.0", "\"warning\":75.0", "\"critical\":90.0",
                "\"warning\":1.0", "\"critical\":2.0");

        TestServer.Response again = server.put("/api/v1/rollouts/trading-engine-v2", T, Plans.referenceYaml(), "application/yaml");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("outcome").asText()).isEqualTo("unchanged");
    }

    @Test
    void enrolling_the_same_user_twice_returns_the_existing_enrollment() {
        server.putJson("/api/v1/rollouts/idem", T, Plans.plan("idem", 1, 2));
        JsonNode first = enroll("idem", "alice");
        assertThat(first.get("status").asText()).isEqualTo("enrolled");
        assertThat(first.get("joinedPhase").asInt()).isEqualTo(1);
        assertThat(first.get("created").asBoolean()).isTrue();
        TestServer.Response second = server.postJson("/api/v1/rollouts/idem/enrollments", T, Map.of("userId", "alice"));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("created").asBoolean()).isFalse();
        assertThat(second.json().get("seq").asLong()).isEqualTo(first.get("seq").asLong());
        assertThat(server.get("/api/v1/rollouts/idem", T).json().get("enrolled").asInt()).isEqualTo(1);
    }

    @Test
    void the_waitlist_is_served_first_come_first_served_when_a_place_frees_up() {
        server.putJson("/api/v1/rollouts/fifo", T, Plans.plan("fifo", 2, 4));
        enroll("fifo", "a");
        enroll("fifo", "b");
        JsonNode c = enroll("fifo", "c");
        JsonNode d = enroll("fifo", "d");
        assertThat(c.get("status").asText()).isEqualTo("waitlisted");
        assertThat(c.get("position").asInt()).isEqualTo(1);
        assertThat(d.get("position").asInt()).isEqualTo(2);

        assertThat(server.delete("/api/v1/rollouts/fifo/enrollments/a", T).json().get("status").asText()).isEqualTo("left");
        assertThat(server.get("/api/v1/rollouts/fifo/enrollments/c", T).json().get("status").asText()).isEqualTo("enrolled");
        JsonNode dNow = server.get("/api/v1/rollouts/fifo/enrollments/d", T).json();
        assertThat(dNow.get("status").asText()).isEqualTo("waitlisted");
        assertThat(dNow.get("position").asInt()).isEqualTo(1);

        // A user who left and comes back joins at the end of the line.
        assertThat(enroll("fifo", "a").get("status").asText()).isEqualTo("waitlisted");
        server.post("/api/v1/rollouts/fifo/advance", T, "");
        JsonNode rollout = server.get("/api/v1/rollouts/fifo", T).json();
        assertThat(rollout.get("enrolled").asInt()).isEqualTo(4);
        assertThat(rollout.get("waitlisted").asInt()).isZero();
        assertThat(server.get("/api/v1/rollouts/fifo/enrollments/d", T).json().get("joinedPhase").asInt()).isEqualTo(2);
    }

    @Test
    void a_batch_of_10000_users_is_enrolled_in_one_request() {
        server.putJson("/api/v1/rollouts/bulk", T, Plans.plan("bulk", 6000, 20000));
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            users.add(Map.of("userId", "bulk-" + i, "attributes", Map.of("desk", i % 2 == 0 ? "fx" : "rates")));
        }
        users.add(Map.of("userId", "bulk-7"));
        TestServer.Response r = server.postJson("/api/v1/rollouts/bulk/enrollments", T, Map.of("users", users.subList(0, 10_000)));
        assertThat(r.status()).as(r.raw().substring(0, Math.min(500, r.raw().length()))).isEqualTo(201);
        assertThat(r.json().get("enrolled").asInt()).isEqualTo(6000);
        assertThat(r.json().get("waitlisted").asInt()).isEqualTo(4000);
        assertThat(r.json().get("results").get(5999).get("status").asText()).isEqualTo("enrolled");
        assertThat(r.json().get("results").get(6000).get("status").asText()).isEqualTo("waitlisted");
        assertThat(r.json().get("results").get(6000).get("position").asInt()).isEqualTo(1);

        TestServer.Response again = server.postJson("/api/v1/rollouts/bulk/enrollments", T, Map.of("users", users.subList(9_990, 10_001)));
        assertThat(again.json().get("existing").asInt()).as("10 repeated users and bulk-7 again").isEqualTo(11);
        assertThat(again.json().get("waitlisted").asInt()).isZero();

        JsonNode page = server.get("/api/v1/rollouts/bulk/enrollments?status=enrolled&limit=1000", T).json();
        assertThat(page.get("items")).hasSize(1000);
        assertThat(page.get("items").get(0).get("attributes").get("desk").asText()).isEqualTo("fx");
        JsonNode next = server.get("/api/v1/rollouts/bulk/enrollments?status=enrolled&limit=1000&after=" + page.get("next").asText(), T).json();
        assertThat(next.get("items").get(0).get("userId").asText()).isEqualTo("bulk-1000");
    }

    @Test
    void features_follow_the_phase_and_say_why() {
        server.putJson("/api/v1/rollouts/gate", T, Map.of("rollout", "gate", "phases", List.of(
                Plans.phase("one", 1, "gate-basic"), Map.of("name", "two", "capacity", 2, "features", List.of("gate-ai"), "percentage", 100))));
        enroll("gate", "in");
        enroll("gate", "waiting");
        assertThat(features("gate", "in").get("gate-basic").get("reason").asText()).isEqualTo("enrolled-phase");
        assertThat(features("gate", "in").get("gate-ai").get("reason").asText()).isEqualTo("phase-not-reached");
        assertThat(features("gate", "waiting").get("gate-basic").get("reason").asText()).isEqualTo("waitlisted");
        assertThat(features("gate", "stranger").get("gate-basic").get("reason").asText()).isEqualTo("not-enrolled");

        server.post("/api/v1/rollouts/gate/advance", T, "");
        assertThat(features("gate", "in").get("gate-ai").get("enabled").asBoolean()).isTrue();
        // Phase two opens everything unlocked so far to 100 % of all users.
        assertThat(features("gate", "stranger").get("gate-basic").get("reason").asText()).isEqualTo("percentage");

        server.put("/api/v1/features/gate-ai/kill-switch", T, "{\"on\":true,\"reason\":\"bad output\"}", "application/json");
        assertThat(features("gate", "in").get("gate-ai").get("reason").asText()).isEqualTo("kill-switch");
        assertThat(features("gate", "in").get("gate-basic").get("enabled").asBoolean()).isTrue();
        server.put("/api/v1/features/gate-ai/kill-switch", T, "{\"on\":false}", "application/json");
        assertThat(features("gate", "in").get("gate-ai").get("enabled").asBoolean()).isTrue();

        server.post("/api/v1/rollouts/gate/pause", T, "{\"withdrawFeatures\":true,\"reason\":\"incident\"}");
        assertThat(features("gate", "in").get("gate-basic").get("reason").asText()).isEqualTo("paused");
        server.post("/api/v1/rollouts/gate/resume", T, "");
        server.post("/api/v1/rollouts/gate/complete", T, "");
        assertThat(features("gate", "stranger").get("gate-ai").get("reason").asText()).isEqualTo("completed");
        TestServer.Response late = server.postJson("/api/v1/rollouts/gate/enrollments", T, Map.of("userId", "late"));
        assertThat(late.status()).isEqualTo(409);
    }

    @Test
    void a_draft_waitlists_until_it_starts() {
        server.putJson("/api/v1/rollouts/draft", T, Map.of("rollout", "draft", "start", "draft", "phases", List.of(Plans.phase("one", 1, "draft-f"))));
        assertThat(enroll("draft", "early").get("status").asText()).isEqualTo("waitlisted");
        assertThat(features("draft", "early").get("draft-f").get("reason").asText()).isEqualTo("not-started");
        assertThat(server.post("/api/v1/rollouts/draft/start", T, "").json().get("enrolled").asInt()).isEqualTo(1);
        assertThat(features("draft", "early").get("draft-f").get("reason").asText()).isEqualTo("enrolled-phase");
    }

    @Test
    void reapplying_a_changed_plan_keeps_enrollments_and_admits_into_new_capacity() {
        server.putJson("/api/v1/rollouts/grow", T, Plans.plan("grow", 1, 5));
        enroll("grow", "first");
        enroll("grow", "second");
        TestServer.Response r = server.putJson("/api/v1/rollouts/grow", T, Plans.plan("grow", 2, 5));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("outcome").asText()).isEqualTo("updated");
        assertThat(r.json().get("changes").toString()).contains("phase 1 capacity: 1 → 2");
        assertThat(server.get("/api/v1/rollouts/grow/enrollments/second", T).json().get("status").asText()).isEqualTo("enrolled");
        assertThat(server.get("/api/v1/rollouts/grow/enrollments/first", T).json().get("status").asText()).isEqualTo("enrolled");
    }

    @Test
    void every_change_is_in_the_audit_log_with_its_actor() {
        server.putJson("/api/v1/rollouts/audited", T, Plans.plan("audited", 1, 2));
        enroll("audited", "u1");
        server.post("/api/v1/rollouts/audited/advance", T, "{\"reason\":\"healthy\"}");
        server.put("/api/v1/features/audited-f1/kill-switch", T, "{\"on\":true,\"reason\":\"test\"}", "application/json");
        JsonNode items = server.get("/api/v1/audit?rollout=audited", T).json().get("items");
        List<String> actions = new ArrayList<>();
        items.forEach(e -> actions.add(e.get("action").asText()));
        assertThat(actions).containsExactly("kill-switch.on", "rollout.advance", "enrollment.created", "rollout.created");
        JsonNode advance = items.get(1);
        assertThat(advance.get("actor").asText()).startsWith("token:tok_");
        assertThat(advance.get("before").get("phase").asInt()).isEqualTo(1);
        assertThat(advance.get("after").get("phase").asInt()).isEqualTo(2);
        assertThat(advance.get("after").get("reason").asText()).isEqualTo("healthy");
        assertThat(server.get("/api/v1/audit?rollout=audited&limit=2", T).json().get("next").asText()).isNotEmpty();
    }

    @Test
    void tokens_are_stored_hashed_never_in_plain_text() throws Exception {
        String secret = server.token("sdk");
        String url = store.settings().jdbcUrl();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT token_hash FROM api_token")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getString(1)).hasSize(64).isNotEqualTo(secret).doesNotContain(secret.substring(4, 20));
            }
            assertThat(rows).isGreaterThanOrEqualTo(2);
        }
    }
}
