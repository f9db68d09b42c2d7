package dev.phasegate.server.advance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.phasegate.server.advance.ReadinessTest.START;
import static dev.phasegate.server.advance.ReadinessTest.T;
import static org.assertj.core.api.Assertions.assertThat;

/** The guardian's auto-advance in a real node, ticked by the test under a clock the test moves. */
class AutoAdvancerTest {

    private static final String PLAN = """
            rollout: desk
            phases:
              - name: pilot
                capacity: 50
                features: [desk-orders]
                advance: {minDuration: 10m, minActiveUsers: 5, maxErrorRate: 2, auto: %s}
              - name: wide
                capacity: 100
                features: [desk-charts]
                advance: {auto: true}
            guards:
              - {name: errors, metric: error-rate, warning: 5, critical: 10, for: 0s, keepFiringFor: 0s}
            """;

    private TestStore store;
    private TestServer server;
    private TestClock clock;
    private Traffic traffic;

    private void start(boolean auto) {
        store = TestStore.h2();
        clock = new TestClock(START);
        server = TestServer.start(store.settings().withMonitoring(
                Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1))), clock);
        assertThat(server.put("/api/v1/rollouts/desk", T, PLAN.formatted(auto), "application/yaml").status()).isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("userId", "b" + i));
        }
        Traffic.awaitEnrolled(server, "desk", 10);
        traffic = new Traffic(server, clock, "desk");
        clock.advance(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    @Test
    void advances_by_itself_once_every_criterion_is_met_and_not_before_recording_the_action_and_the_audit_event() {
        start(true);
        traffic.requests(200, 0, 10);
        server.node().guards().tick();
        assertThat(server.node().advancer().tick()).as("min-duration not met yet").isEmpty();
        clock.advance(Duration.ofMinutes(9));
        traffic.requests(200, 0, 10);
        server.node().guards().tick();
        assertThat(server.node().advancer().tick()).as("still 30 s short of 10m").isEmpty();
        assertThat(rollout().get("currentPhase").asInt()).isEqualTo(1);
        assertThat(actions("advance").size()).isZero();

        clock.advance(Duration.ofSeconds(31));
        traffic.requests(200, 0, 10);
        server.node().guards().tick();
        assertThat(server.node().advancer().tick()).containsExactly("desk");

        JsonNode rollout = rollout();
        assertThat(rollout.get("currentPhase").asInt()).isEqualTo(2);
        assertThat(rollout.get("phaseStartedAt").asText()).isEqualTo(clock.instant().toString());
        JsonNode action = actions("advance").get(0);
        assertThat(action.get("result").asText()).isEqualTo("ok");
        assertThat(action.get("rollout").asText()).isEqualTo("desk");
        assertThat(action.get("detail").asText()).isEqualTo("phase 1 (pilot) → phase 2 (wide)");
        assertThat(action.get("why").asText()).startsWith("auto-advance: every criterion met (min-duration 10m 1s / 10m; "
                + "min-active-users 10 / 5; max-error-rate 0.00 / 2.00;");
        assertThat(action.get("data").get("ready").asBoolean()).isTrue();
        assertThat(action.get("data").get("criteria").size()).isEqualTo(7);
        assertThat(ReadinessTest.criterion(action.get("data"), "enough-samples").get("value").asLong()).isEqualTo(600);
        JsonNode audit = server.get("/api/v1/audit?rollout=desk&limit=1", T).json().get("items").get(0);
        assertThat(audit.get("action").asText()).isEqualTo("rollout.advance");
        assertThat(audit.get("actor").asText()).isEqualTo("guardian");
        assertThat(audit.get("after").get("phase").asInt()).isEqualTo(2);
        assertThat(audit.get("after").get("reason").asText()).startsWith("auto-advance: every criterion met");

        // Phase 2 is the last: auto or not, there is nothing to advance to.
        clock.advance(Duration.ofHours(1));
        assertThat(server.node().advancer().tick()).isEmpty();
        assertThat(actions("advance").size()).isEqualTo(1);
    }

    @Test
    void a_firing_warning_holds_auto_advance_until_it_resolves() {
        start(true);
        clock.advance(Duration.ofMinutes(10));
        traffic.requests(200, 12, 10);
        server.node().guards().tick();

        assertThat(server.node().advancer().tick()).isEmpty();
        assertThat(rollout().get("currentPhase").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/rollouts/desk/readiness", T).json().get("reason").asText())
                .isEqualTo("not met: max-error-rate, no-firing-alerts");
    }

    @Test
    void a_phase_without_auto_waits_for_a_person_even_when_ready() {
        start(false);
        clock.advance(Duration.ofMinutes(10));
        traffic.requests(200, 0, 10);
        server.node().guards().tick();

        assertThat(server.get("/api/v1/rollouts/desk/readiness", T).json().get("ready").asBoolean()).isTrue();
        assertThat(server.node().advancer().tick()).isEmpty();
        assertThat(rollout().get("currentPhase").asInt()).isEqualTo(1);

        assertThat(server.postJson("/api/v1/rollouts/desk/advance", T, Map.of("reason", "read the readiness report")).status())
                .isEqualTo(200);
        assertThat(rollout().get("currentPhase").asInt()).isEqualTo(2);
    }

    private JsonNode rollout() {
        return server.get("/api/v1/rollouts/desk", T).json();
    }

    private JsonNode actions(String kind) {
        TestServer.Response r = server.get("/api/v1/actions?rollout=desk&kind=" + kind, T);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("items");
    }
}
