package dev.phasegate.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.core.gate.FeatureRule;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes in one JVM: on the embedded store the one node leads with epoch 1 and its fence refuses a deposed
 * leader's runbook writes; on PostgreSQL two nodes on one schema elect one leader, the other takes over
 * when it stops, a change on one reaches the other's rules within a second (LISTEN/NOTIFY), the leader's
 * guards (windows and trends) read telemetry sent to either, and an alert a deposed leader's fenced guardian
 * did not act on is decided by the next leader.
 */
class ClusterTest {

    private static final String T = TestStore.ADMIN_TOKEN;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <C extends AutoCloseable> C keep(C c) {
        open.add(c);
        return c;
    }

    @Test
    void a_single_embedded_node_leads_with_epoch_1_and_lists_itself_alive() {
        TestStore store = keep(TestStore.h2());
        TestServer node = keep(TestServer.start(store.settings()));

        JsonNode view = node.get("/api/v1/cluster", T).json();

        assertThat(view.get("node").asText()).isEqualTo(node.node().leadership().nodeId());
        assertThat(view.get("leading").asBoolean()).isTrue();
        assertThat(view.get("leader").asText()).isEqualTo(view.get("node").asText());
        assertThat(view.get("epoch").asLong()).isEqualTo(1);
        assertThat(view.get("store").asText()).isEqualTo("embedded");
        assertThat(view.get("nodes")).hasSize(1);
        assertThat(view.get("nodes").get(0).get("alive").asBoolean()).isTrue();
        assertThat(view.get("nodes").get(0).get("leader").asBoolean()).isTrue();
        assertThat(node.get("/api/v1/cluster", null).status()).as("needs a token").isEqualTo(401);
    }

    @Test
    void a_deposed_leaders_late_runbook_writes_are_refused_until_its_epoch_is_current_again() {
        TestStore store = keep(TestStore.h2());
        TestServer node = keep(TestServer.start(store.settings()));
        assertThat(node.putJson("/api/v1/rollouts/fenced", T, Plans.plan("fenced", 5, 10)).status()).isIn(200, 201);
        assertThat(node.postJson("/api/v1/rollouts/fenced/advance", T, Map.of("reason", "go")).status()).isEqualTo(200);
        // Another node took the lead since: the store's epoch is no longer this node's.
        setEpoch(store, 2);
        long failuresBefore = node.node().runbookExecutor().failures();

        JsonNode started = node.postJson("/api/v1/rollouts/fenced/rollback", T, Map.of("reason", "fence test", "severity", "sev2")).json();
        long run = started.get("run").get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> node.node().runbookExecutor().failures() > failuresBefore);

        JsonNode refused = node.get("/api/v1/rollbacks/" + run, T).json();
        assertThat(refused.get("state").asText()).isEqualTo("running");
        assertThat(refused.get("steps")).allSatisfy(s -> {
            assertThat(s.get("state").asText()).isEqualTo("pending");
            assertThat(s.get("attempts").asInt()).as("not even an attempt is recorded").isZero();
        });
        assertThat(auditCount(node, "rollout.disable-features")).isZero();

        // The same node leading again with the current epoch: the run goes on, each step once, stamped with it.
        setEpoch(store, 1);
        // Up to verify-recovery, which waits for the guards (the plan's defaults) to stay clear.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode r = node.get("/api/v1/rollbacks/" + run, T).json();
            assertThat(r.get("steps").get(4).get("state").asText()).as(r.toPrettyString()).isEqualTo("done");
        });
        assertThat(auditCount(node, "rollout.disable-features")).isEqualTo(1);
        List<Long> epochs = stepEpochs(store, run);
        assertThat(epochs).hasSizeGreaterThanOrEqualTo(5).containsOnly(1L);
    }

    @Test
    void on_postgresql_one_of_two_nodes_leads_and_the_other_takes_over_when_it_stops() {
        TestStore store = keep(TestStore.postgres());
        TestServer first = TestServer.start(store.settings());
        TestServer second = keep(TestServer.start(store.settings()));
        try {
            assertThat(first.node().leadership().leading()).as("the first node took the free lock at start").isTrue();
            assertThat(second.node().leadership().leading()).isFalse();
            long epoch = first.node().leadership().epoch();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode view = second.get("/api/v1/cluster", T).json();
                assertThat(view.get("leader").asText()).isEqualTo(first.node().leadership().nodeId());
                assertThat(view.get("leading").asBoolean()).isFalse();
                assertThat(view.get("epoch").asLong()).isEqualTo(epoch);
                assertThat(view.get("nodes")).hasSize(2).allSatisfy(n -> assertThat(n.get("alive").asBoolean()).isTrue());
            });
        } finally {
            first.close();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> second.node().leadership().leading());
        JsonNode view = second.get("/api/v1/cluster", T).json();
        assertThat(view.get("leader").asText()).isEqualTo(second.node().leadership().nodeId());
        assertThat(view.get("epoch").asLong()).isGreaterThan(1);
        assertThat(second.node().leadership().epoch()).isEqualTo(view.get("epoch").asLong());
    }

    @Test
    void a_kill_switch_on_one_node_reaches_the_rules_of_another_within_a_second() {
        TestStore store = keep(TestStore.postgres());
        TestServer a = keep(TestServer.start(store.settings()));
        TestServer b = keep(TestServer.start(store.settings()));
        assertThat(a.putJson("/api/v1/rollouts/fan", T, Plans.plan("fan", 5, 10)).status()).isIn(200, 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> killSwitch(b, "fan-f1") != null);
        assertThat(killSwitch(b, "fan-f1")).isFalse();

        assertThat(a.putJson("/api/v1/features/fan-f1/kill-switch", T, Map.of("on", true, "reason", "fan-out test")).status())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> Boolean.TRUE.equals(killSwitch(b, "fan-f1")));
    }

    @Test
    void an_enrollment_on_one_node_reaches_the_rules_of_another_within_a_second() {
        TestStore store = keep(TestStore.postgres());
        TestServer a = keep(TestServer.start(store.settings()));
        TestServer b = keep(TestServer.start(store.settings()));
        assertThat(a.putJson("/api/v1/rollouts/enr", T, Plans.plan("enr", 5, 10)).status()).isIn(200, 201);
        await().atMost(Duration.ofSeconds(10)).until(() -> killSwitch(b, "enr-f1") != null);

        assertThat(b.postJson("/api/v1/rollouts/enr/enrollments", T, Map.of("users", List.of(Map.of("userId", "u1")))).status())
                .isIn(200, 201);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> a.node().rules().current().snapshot()
                .rollouts().stream().filter(r -> r.key().equals("enr")).anyMatch(r -> r.enrolled().contains("u1")));
    }

    @Test
    void the_leaders_guards_read_telemetry_sent_to_another_node() {
        TestStore store = keep(TestStore.postgres());
        TestServer leader = keep(TestServer.start(store.settings()));
        TestServer follower = keep(TestServer.start(store.settings()));
        assertThat(leader.node().leadership().leading()).isTrue();
        assertThat(leader.put("/api/v1/rollouts/mv", T, """
                rollout: mv
                phases: [{name: one, capacity: 10, features: [mv-f]}]
                guards: [{name: errors, metric: error-rate, warning: 1, critical: 2, minSamples: 100}]
                """, "application/yaml").status()).isEqualTo(201);
        enroll(leader, "mv", 5);
        follower.awaitEnrolled("mv", List.of("b0", "b1", "b2", "b3", "b4"));

        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            events.add(Map.of("type", "request", "timestamp", java.time.Instant.now().toString(), "userId", "b" + (i % 5),
                    "rollout", "mv", "latencyMs", 20, "outcome", i < 40 ? "error" : "ok"));
        }
        assertThat(follower.postJson("/api/v1/events", follower.token("ingest"), events).status()).isEqualTo(202);

        // The follower flushes its buckets to the store every 2 s; the leader's guard reads every node's rows.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            leader.node().guards().tick();
            JsonNode latest = leader.get("/api/v1/rollouts/mv/guards", T).json().get("items").get(0).get("latest");
            assertThat(latest.get("samples").asLong()).isEqualTo(400);
            assertThat(latest.get("result").asText()).isEqualTo("critical");
        });
    }

    @Test
    void the_leaders_trend_guards_fit_telemetry_sent_to_another_node() {
        TestStore store = keep(TestStore.postgres());
        TestServer leader = keep(TestServer.start(store.settings()));
        TestServer follower = keep(TestServer.start(store.settings()));
        assertThat(leader.node().leadership().leading()).isTrue();
        assertThat(leader.put("/api/v1/rollouts/tr", T, """
                rollout: tr
                phases: [{name: one, capacity: 10, features: [tr-f]}]
                guards: [{name: errors-trend, kind: trend, metric: error-rate, critical: 50, window: 3m, horizon: 30m, minSamples: 6}]
                """, "application/yaml").status()).isEqualTo(201);
        enroll(leader, "tr", 5);
        follower.awaitEnrolled("tr", List.of("b0", "b1", "b2", "b3", "b4"));

        // Twelve 10 s buckets ending now, the error rate climbing 2 points a bucket (0 %, 2 %, ... 22 %): all sent to
        // the follower, so the leader's memory holds none of it.
        long bucket = Duration.ofSeconds(10).toMillis();
        long first = System.currentTimeMillis() / bucket * bucket - 11 * bucket;
        List<Map<String, Object>> events = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            for (int i = 0; i < 100; i++) {
                events.add(Map.of("type", "request", "timestamp", first + k * bucket + i, "userId", "b" + (i % 5),
                        "rollout", "tr", "latencyMs", 20, "outcome", i < 2 * k ? "error" : "ok"));
            }
        }
        assertThat(follower.postJson("/api/v1/events", follower.token("ingest"), events).status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            leader.node().guards().tick();
            JsonNode latest = leader.get("/api/v1/rollouts/tr/guards", T).json().get("items").get(0).get("latest");
            assertThat(latest.get("samples").asLong()).as(latest.toPrettyString()).isEqualTo(12);
            assertThat(latest.get("result").asText()).as(latest.toPrettyString()).isEqualTo("warning");
            assertThat(latest.get("explanation").asText()).startsWith("Predicted to cross critical");
        });
    }

    @Test
    void a_critical_alert_a_deposed_leader_did_not_act_on_is_decided_by_the_next_leader() {
        TestStore store = keep(TestStore.postgres());
        TestServer first = TestServer.start(store.settings());
        TestServer second = keep(TestServer.start(store.settings()));
        try {
            assertThat(first.node().leadership().leading()).isTrue();
            assertThat(first.put("/api/v1/rollouts/dep", T, """
                    rollout: dep
                    phases: [{name: pilot, capacity: 10, features: [dep-f]}]
                    guards: [{name: errors, metric: error-rate, warning: 1, critical: 2, for: 0s, window: 1m, minSamples: 100}]
                    """, "application/yaml").status()).isEqualTo(201);
            enroll(first, "dep", 5);
            assertThat(first.get("/api/v1/rollouts/dep", T).json().get("state").asText()).isEqualTo("active");
            // Another node took the lead since: the first still runs its guards, but its fence is no longer current.
            Jdbi.create(store.settings().jdbcUrl()).useHandle(h ->
                    h.createUpdate("UPDATE cluster_leader SET epoch = epoch + 1 WHERE id = 1").execute());

            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                events.add(Map.of("type", "request", "timestamp", java.time.Instant.now().toString(), "userId", "b" + (i % 5),
                        "rollout", "dep", "latencyMs", 20, "outcome", i < 40 ? "error" : "ok"));
            }
            assertThat(first.postJson("/api/v1/events", first.token("ingest"), events).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                first.node().guards().tick();
                assertThat(first.get("/api/v1/alerts?rollout=dep&state=firing", T).json().get("items")).isNotEmpty();
            });
            first.node().guardian().drain();

            assertThat(first.get("/api/v1/rollouts/dep/guardian", T).json().get("items")).as("the deposed leader recorded no decision")
                    .isEmpty();
            assertThat(first.get("/api/v1/rollouts/dep/rollbacks", T).json().get("items")).as("nor started a rollback").isEmpty();
            assertThat(first.get("/api/v1/rollouts/dep", T).json().get("state").asText()).isEqualTo("active");
        } finally {
            first.close();
        }

        // The next leader finds the alert firing already (no transition): it decides on taking the lead.
        await().atMost(Duration.ofSeconds(10)).until(() -> second.node().leadership().leading());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> decisions = new ArrayList<>();
            second.get("/api/v1/rollouts/dep/guardian", T).json().get("items").forEach(d ->
                    decisions.add(d.get("severity").asText() + " " + d.get("action").asText() + ": " + d.get("outcome").asText()));
            // Both alerts the breach fired, each decided once: the critical one rolls back, the warning holds.
            assertThat(decisions).hasSize(2).anySatisfy(d -> assertThat(d).startsWith("critical rollback: started rollback run"))
                    .anySatisfy(d -> assertThat(d).startsWith("warning hold:"));
        });
        JsonNode runs = second.get("/api/v1/rollouts/dep/rollbacks", T).json().get("items");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("trigger").asText()).isEqualTo("guardian");
    }

    private static void enroll(TestServer node, String rollout, int users) {
        List<Map<String, Object>> enroll = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            enroll.add(Map.of("userId", "b" + i));
        }
        assertThat(node.postJson("/api/v1/rollouts/" + rollout + "/enrollments", T, Map.of("users", enroll)).status()).isIn(200, 201);
    }

    private static Boolean killSwitch(TestServer node, String feature) {
        for (RolloutRules r : node.node().rules().current().snapshot().rollouts()) {
            for (FeatureRule f : r.features()) {
                if (f.key().equals(feature)) {
                    return f.killSwitch();
                }
            }
        }
        return null;
    }

    /** Writes as another node would: a connection of the test's own (H2 shares the open file within a JVM). */
    private static void setEpoch(TestStore store, long epoch) {
        Jdbi.create(store.settings().jdbcUrl()).useHandle(h ->
                h.createUpdate("UPDATE cluster_leader SET epoch = :e WHERE id = 1").bind("e", epoch).execute());
    }

    private static List<Long> stepEpochs(TestStore store, long run) {
        return Jdbi.create(store.settings().jdbcUrl()).withHandle(h ->
                h.createQuery("SELECT epoch FROM runbook_step WHERE run_id = :run AND epoch IS NOT NULL")
                        .bind("run", run).mapTo(Long.class).list());
    }

    private static long auditCount(TestServer node, String action) {
        long n = 0;
        for (JsonNode item : node.get("/api/v1/audit?rollout=fenced&limit=1000", T).json().get("items")) {
            if (item.path("action").asText().equals(action)) {
                n++;
            }
        }
        return n;
    }
}
