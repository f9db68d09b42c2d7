package dev.phasegate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx problem naming the field, and nothing is written. Run on each store by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BadInputContract {

    private static final String T = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() {
        store = TestStore.create(kind());
        Settings s = store.settings();
        // A small body limit so the 413 path is cheap to reach.
        server = TestServer.start(new Settings(s.host(), 0, s.dataDir(), s.dbUrl(), null, null, s.dbPoolSize(), s.adminToken(), 1024 * 1024));
        assertThat(server.putJson("/api/v1/rollouts/base", T, Plans.plan("base", 2, 10)).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private TestServer.Response putYaml(String key, String yaml) {
        return server.put("/api/v1/rollouts/" + key, T, yaml, "application/yaml");
    }

    private static void assertProblem(TestServer.Response r, int status, String field, String messagePart) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("type").asText()).startsWith("https://phasegate.dev/problems/");
        if (field != null) {
            assertThat(body.get("field").asText()).isEqualTo(field);
        }
        assertThat(body.toString()).contains(messagePart);
        assertThat(r.raw()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private int rolloutCount() {
        return server.get("/api/v1/rollouts", T).json().get("items").size();
    }

    @Test
    void malformed_yaml_is_answered_with_line_and_column() {
        TestServer.Response r = putYaml("broken", "rollout: broken\nphases:\n  - name: [unclosed\n    capacity: 5\n");
        assertProblem(r, 400, null, "line");
        assertThat(r.json().get("detail").asText()).contains("column");
    }

    @Test
    void malformed_json_is_answered_with_line_and_column() {
        TestServer.Response r = server.put("/api/v1/rollouts/broken", T, "{\"phases\": [ {\"name\": \"a\",, } ]}", "application/json");
        assertProblem(r, 400, null, "line 1");
    }

    @Test
    void an_unknown_field_is_named_with_its_path() {
        TestServer.Response r = putYaml("typo", "rollout: typo\nphases:\n  - name: one\n    capcity: 5\n");
        assertProblem(r, 400, "phases[0].capcity", "unknown field 'capcity'");
        assertThat(r.json().toString()).contains("capacity");
        assertThat(rolloutCount()).isEqualTo(1);
    }

    @Test
    void a_wrong_type_names_the_field() {
        assertProblem(putYaml("types", "rollout: types\nphases:\n  - name: one\n    capacity: five\n"), 400, "phases[0].capacity", "whole number");
        assertProblem(putYaml("types", "rollout: types\nphases:\n  - name: one\n    capacity: 100000000000000000000\n"), 400,
                "phases[0].capacity", "out of range");
        assertProblem(server.put("/api/v1/rollouts/types", T, "[1,2,3]", "application/json"), 400, null, "expected");
    }

    @Test
    void non_increasing_capacities_are_refused() {
        TestServer.Response r = putYaml("shrink", "rollout: shrink\nphases:\n  - {name: a, capacity: 10}\n  - {name: b, capacity: 10}\n");
        assertProblem(r, 422, "phases[1].capacity", "must increase");
    }

    @Test
    void a_plan_without_phases_is_refused() {
        assertProblem(putYaml("empty", "rollout: empty\nphases: []\n"), 422, "phases", "at least one phase");
        assertProblem(putYaml("empty", "rollout: empty\n"), 422, "phases", "at least one phase");
    }

    @Test
    void duplicate_features_within_a_plan_are_refused() {
        TestServer.Response r = putYaml("dup", "rollout: dup\nphases:\n  - {name: a, capacity: 1, features: [x]}\n  - {name: b, capacity: 2, features: [x]}\n");
        assertProblem(r, 422, "phases[1].features[0]", "already unlocked");
    }

    @Test
    void a_feature_of_another_rollout_is_refused() {
        TestServer.Response r = putYaml("thief", "rollout: thief\nphases:\n  - {name: a, capacity: 1, features: [base-f1]}\n");
        assertProblem(r, 409, "phases[0].features[0]", "belongs to rollout 'base'");
        assertThat(server.get("/api/v1/rollouts/thief", T).status()).isEqualTo(404);
    }

    @Test
    void percentages_outside_0_to_100_are_refused() {
        assertProblem(putYaml("pct", "rollout: pct\nphases:\n  - {name: a, capacity: 1, percentage: 101}\n"), 422, "phases[0].percentage", "between 0 and 100");
        assertProblem(putYaml("pct", "rollout: pct\nphases:\n  - {name: a, capacity: 1, percentage: -1}\n"), 422, "phases[0].percentage", "between 0 and 100");
    }

    @Test
    void guard_levels_out_of_order_are_refused() {
        TestServer.Response r = putYaml("guards", "rollout: guards\nphases:\n  - {name: a, capacity: 1}\n"
                + "guards:\n  - {name: errors, metric: error-rate, warning: 2, critical: 1}\n  - {name: cpu, metric: cpux, warning: 1, critical: 2}\n");
        assertProblem(r, 422, null, "guards[0].critical");
        assertThat(r.json().toString()).contains("guards[1].metric").contains("'cpux' is not one of");
    }

    @Test
    void a_key_in_the_body_that_differs_from_the_url_is_refused() {
        assertProblem(putYaml("one", "rollout: two\nphases:\n  - {name: a, capacity: 1}\n"), 422, "rollout", "the URL names rollout 'one'");
    }

    @Test
    void an_invalid_rollout_key_is_refused() {
        assertProblem(server.get("/api/v1/rollouts/Bad%20Key", T), 422, "key", "not a valid key");
    }

    @Test
    void deep_nesting_is_refused_without_a_server_error() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        TestServer.Response r = server.put("/api/v1/rollouts/deep", T, deep, "application/json");
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void user_ids_over_256_characters_or_with_control_characters_are_refused_and_nothing_is_enrolled() {
        String longId = "u".repeat(257);
        assertProblem(server.postJson("/api/v1/rollouts/base/enrollments", T, Map.of("userId", longId)), 422, "userId", "at most 256");
        assertProblem(server.post("/api/v1/rollouts/base/enrollments", T, "{\"userId\":\"bad\\u0007id\"}"), 422, "userId", "control character");

        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(Map.of("userId", i == 13 ? "bad\nid" : "batch-" + i));
        }
        TestServer.Response r = server.postJson("/api/v1/rollouts/base/enrollments", T, Map.of("users", users));
        assertProblem(r, 422, "users[13].userId", "nothing was enrolled");
        JsonNode rollout = server.get("/api/v1/rollouts/base", T).json();
        assertThat(rollout.get("enrolled").asInt() + rollout.get("waitlisted").asInt()).isZero();
    }

    @Test
    void nul_characters_are_refused_in_any_text_field_never_a_server_error() {
        assertProblem(server.post("/api/v1/rollouts/base/enrollments", T, "{\"userId\":\"u\",\"email\":\"a\\u0000@b.co\"}"), 400, "email", "NUL");
        assertProblem(server.put("/api/v1/features/base-f1/kill-switch", T, "{\"on\":true,\"reason\":\"x\\u0000y\"}", "application/json"),
                400, "reason", "NUL");
        assertProblem(server.post("/api/v1/tokens", T, "{\"kind\":\"sdk\",\"name\":\"n\\u0000\"}"), 400, "name", "NUL");
        assertProblem(putYaml("nul", "rollout: nul\nname: \"a\\0b\"\nphases:\n  - {name: a, capacity: 1}\n"), 400, "name", "NUL");
        assertProblem(server.post("/api/v1/rollouts/base/enrollments", T, "{\"userId\":\"u\",\"email\":\"a\\u0007@b.co\"}"), 422, "email", "not an email");
        assertThat(server.get("/api/v1/rollouts/base/enrollments/u", T).status()).isEqualTo(404);
    }

    @Test
    void a_bad_email_is_refused() {
        assertProblem(server.postJson("/api/v1/rollouts/base/enrollments", T, Map.of("userId", "e1", "email", "not-an-email")), 422, "email", "not an email");
    }

    @Test
    void a_batch_over_10000_users_is_refused_whole() {
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            users.add(Map.of("userId", "b" + i));
        }
        assertProblem(server.postJson("/api/v1/rollouts/base/enrollments", T, Map.of("users", users)), 413, "users", "at most 10000");
        assertThat(server.get("/api/v1/rollouts/base/enrollments?status=waitlisted", T).json().get("items")).isEmpty();
    }

    @Test
    void a_body_over_the_limit_is_answered_413() {
        String huge = "{\"userId\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        TestServer.Response r = server.post("/api/v1/rollouts/base/enrollments", T, huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    @Test
    void transitions_not_allowed_now_are_409_and_say_what_is_allowed() {
        putYaml("draft", "rollout: draft\nstart: draft\nphases:\n  - {name: a, capacity: 1}\n  - {name: b, capacity: 2}\n");
        assertProblem(server.post("/api/v1/rollouts/draft/advance", T, ""), 409, null, "allowed now: start");
        assertProblem(server.post("/api/v1/rollouts/draft/resume", T, ""), 409, null, "while it is draft");
        assertThat(server.post("/api/v1/rollouts/draft/start", T, "").status()).isEqualTo(200);
        assertProblem(server.post("/api/v1/rollouts/draft/complete", T, ""), 409, null, "only the last phase");
        assertProblem(server.post("/api/v1/rollouts/draft/pause", T, "{\"withdrawFeatures\": \"yes\"}"), 400, "withdrawFeatures", "true or false");
        assertProblem(server.post("/api/v1/rollouts/draft/advance", T, "{\"withdrawFeatures\": true}"), 422, "withdrawFeatures", "pause only");
    }

    @Test
    void a_capacity_below_the_enrolled_users_is_refused_and_the_plan_kept() {
        putYaml("full", "rollout: full\nphases:\n  - {name: a, capacity: 3}\n  - {name: b, capacity: 6}\n");
        for (int i = 0; i < 3; i++) {
            server.postJson("/api/v1/rollouts/full/enrollments", T, Map.of("userId", "f" + i));
        }
        TestServer.Response r = putYaml("full", "rollout: full\nphases:\n  - {name: a, capacity: 2}\n  - {name: b, capacity: 6}\n");
        assertProblem(r, 409, "phases[0].capacity", "3 users are already enrolled");
        assertThat(server.get("/api/v1/rollouts/full", T).json().get("capacity").asInt()).isEqualTo(3);
    }

    @Test
    void unknown_things_are_404_problems() {
        assertProblem(server.get("/api/v1/rollouts/nope", T), 404, null, "no rollout 'nope'");
        assertProblem(server.get("/api/v1/rollouts/base/enrollments/ghost", T), 404, null, "not enrolled");
        assertProblem(server.put("/api/v1/features/ghost/kill-switch", T, "{\"on\":false}", "application/json"), 404, null, "no feature 'ghost'");
        assertProblem(server.get("/api/v1/nothing-here", T), 404, null, "not found");
    }

    @Test
    void query_parameters_are_checked() {
        assertProblem(server.get("/api/v1/rollouts/base/enrollments?status=gone", T), 422, "status", "not one of");
        assertProblem(server.get("/api/v1/rollouts/base/enrollments?limit=0", T), 422, "limit", "between 1 and 1000");
        assertProblem(server.get("/api/v1/audit?before=abc", T), 422, "before", "whole number");
    }

    @Test
    void kill_switch_needs_a_reason_to_turn_on() {
        assertProblem(server.put("/api/v1/features/base-f1/kill-switch", T, "{\"on\":true}", "application/json"), 422, "reason", "required");
        assertProblem(server.put("/api/v1/features/base-f1/kill-switch", T, "{}", "application/json"), 422, "on", "required");
    }

    @Test
    void a_token_request_with_an_unknown_kind_is_refused() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "root");
        body.put("name", "x");
        assertProblem(server.postJson("/api/v1/tokens", T, body), 422, "kind", "not one of");
    }
}
