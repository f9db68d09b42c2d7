package dev.phasegate.server.advance;

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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness inside a real node: telemetry in over HTTP, guards ticked by hand, the clock moved by hand, the
 * report read over HTTP. The guard engine's and the auto-advancer's own schedules are an hour, so only the
 * test moves anything.
 */
class ReadinessTest {

    static final String T = TestStore.ADMIN_TOKEN;
    /** Mid-minute, so a downsampled minute row starts before the phase does. */
    static final Instant START = Instant.parse("2026-11-26T10:00:25Z");
    private static final String PLAN = """
            rollout: desk
            phases:
              - name: pilot
                capacity: 50
                features: [desk-orders]
                advance: {minDuration: 10m, minActiveUsers: 5, maxErrorRate: 2, minSatisfaction: 4}
              - {name: wide, capacity: 100, features: [desk-charts]}
            guards:
              - {name: errors, metric: error-rate, warning: 5, critical: 10, for: 0s, keepFiringFor: 0s, minSamples: 150}
              - {name: wide-errors, metric: error-rate, phase: 2, warning: 5, critical: 10, minSamples: 500}
            """;

    private TestStore store;
    private TestServer server;
    private TestClock clock;
    private Traffic traffic;

    @BeforeEach
    void start() {
        store = TestStore.h2();
        clock = new TestClock(START);
        server = TestServer.start(store.settings().withMonitoring(
                Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1))), clock);
        assertThat(server.put("/api/v1/rollouts/desk", T, PLAN, "application/yaml").status()).isEqualTo(201);
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
    void before_anything_happens_each_criterion_says_what_is_missing() {
        JsonNode report = readiness("desk");

        assertThat(report.get("ready").asBoolean()).isFalse();
        assertThat(report.get("reason").asText()).isEqualTo("not met: min-duration, min-active-users, max-error-rate, "
                + "min-satisfaction, guards-have-data, enough-samples");
        assertThat(report.get("phase").asInt()).isEqualTo(1);
        assertThat(report.get("nextPhase").asInt()).isEqualTo(2);
        assertThat(report.get("phaseStartedAt").asText()).isEqualTo("2026-11-26T10:00:25Z");
        JsonNode duration = criterion(report, "min-duration");
        assertThat(duration.get("met").asBoolean()).isFalse();
        assertThat(duration.get("value").asText()).isEqualTo("30s");
        assertThat(duration.get("required").asText()).isEqualTo("10m");
        assertThat(duration.get("detail").asText()).contains("9m 30s to go");
        assertThat(criterion(report, "min-active-users").get("value").asLong()).isZero();
        assertThat(criterion(report, "min-active-users").get("required").asInt()).isEqualTo(5);
        assertThat(criterion(report, "max-error-rate").get("met").asBoolean()).isFalse();
        assertThat(criterion(report, "max-error-rate").get("detail").asText()).contains("no beta requests");
        assertThat(criterion(report, "min-satisfaction").get("detail").asText()).startsWith("no feedback yet");
        assertThat(criterion(report, "no-firing-alerts").get("met").asBoolean()).isTrue();
        JsonNode guards = criterion(report, "guards-have-data");
        assertThat(guards.get("met").asBoolean()).isFalse();
        assertThat(guards.get("detail").asText()).contains("not evaluated yet: errors", "not applicable: wide-errors");
        JsonNode samples = criterion(report, "enough-samples");
        assertThat(samples.get("value").asLong()).isZero();
        // The phase-2 guard's 500 does not apply in phase 1.
        assertThat(samples.get("required").asInt()).isEqualTo(150);
        assertThat(samples.get("detail").asText()).contains("guard errors");
    }

    @Test
    void with_time_users_healthy_traffic_and_good_feedback_every_criterion_is_met() {
        clock.advance(Duration.ofMinutes(10));
        traffic.requests(200, 2, 10);
        traffic.feedback(5, 4, 4, 5, 4);
        server.node().guards().tick();

        JsonNode report = readiness("desk");

        assertThat(report.get("ready").asBoolean()).as(report.toPrettyString()).isTrue();
        assertThat(report.has("reason")).isFalse();
        assertThat(report.get("criteria")).allSatisfy(c -> assertThat(c.get("met").asBoolean()).as(c.toString()).isTrue());
        assertThat(criterion(report, "min-duration").get("value").asText()).isEqualTo("10m 30s");
        assertThat(criterion(report, "min-active-users").get("value").asLong()).isEqualTo(10);
        assertThat(criterion(report, "max-error-rate").get("value").asDouble()).isEqualTo(1.0);
        assertThat(criterion(report, "min-satisfaction").get("value").asDouble()).isEqualTo(4.4);
        assertThat(criterion(report, "enough-samples").get("value").asLong()).isEqualTo(200);
        assertThat(criterion(report, "guards-have-data").get("detail").asText()).startsWith("all 1 guard(s) have data");
    }

    @Test
    void an_error_rate_above_the_maximum_and_a_firing_warning_block_and_a_silenced_alert_does_not_count() {
        clock.advance(Duration.ofMinutes(10));
        traffic.requests(200, 12, 10);
        traffic.feedback(5, 5, 5);
        server.node().guards().tick();

        JsonNode report = readiness("desk");
        assertThat(report.get("ready").asBoolean()).isFalse();
        assertThat(report.get("reason").asText()).isEqualTo("not met: max-error-rate, no-firing-alerts");
        assertThat(criterion(report, "max-error-rate").get("value").asDouble()).isEqualTo(6.0);
        assertThat(criterion(report, "max-error-rate").get("detail").asText()).contains("6.00 % of 200 beta request(s)");
        JsonNode alerts = criterion(report, "no-firing-alerts");
        assertThat(alerts.get("value").asInt()).isEqualTo(1);
        assertThat(alerts.get("detail").asText()).startsWith("firing: errors (warning, alert ");

        TestServer.Response silence = server.postJson("/api/v1/silences", T, Map.of(
                "matchers", List.of(Map.of("name", "rollout", "value", "desk")),
                "endsAt", clock.instant().plus(Duration.ofHours(1)).toString(), "comment", "known, fix deploying"));
        assertThat(silence.status()).as(silence.raw()).isEqualTo(201);

        JsonNode silenced = criterion(readiness("desk"), "no-firing-alerts");
        assertThat(silenced.get("met").asBoolean()).isTrue();
        assertThat(silenced.get("detail").asText()).contains("silenced, not counted: errors (warning");
    }

    @Test
    void a_guard_with_insufficient_data_holds_advancement() {
        clock.advance(Duration.ofMinutes(10));
        traffic.requests(100, 0, 10);
        traffic.feedback(5, 5, 5);
        server.node().guards().tick();

        JsonNode report = readiness("desk");

        assertThat(report.get("reason").asText()).isEqualTo("not met: guards-have-data, enough-samples");
        assertThat(criterion(report, "guards-have-data").get("value").asInt()).isEqualTo(1);
        assertThat(criterion(report, "guards-have-data").get("detail").asText()).startsWith("insufficient data: errors");
        assertThat(criterion(report, "enough-samples").get("value").asLong()).isEqualTo(100);
    }

    @Test
    void telemetry_older_than_the_memory_window_counts_from_the_store_even_when_downsampled() {
        traffic.requests(300, 3, 10);
        server.node().telemetry().flushAll();
        clock.advance(Duration.ofHours(3));
        server.node().telemetry().runRetention();

        JsonNode report = readiness("desk");

        assertThat(criterion(report, "enough-samples").get("value").asLong()).isEqualTo(300);
        assertThat(criterion(report, "min-active-users").get("value").asLong()).isEqualTo(10);
        assertThat(criterion(report, "max-error-rate").get("value").asDouble()).isEqualTo(1.0);
        // The retention run merged the rows into minute rows, and said so in the action log.
        JsonNode actions = server.get("/api/v1/actions?kind=maintenance.telemetry-retention", T).json().get("items");
        assertThat(actions.size()).isEqualTo(1);
        assertThat(actions.get(0).get("result").asText()).isEqualTo("ok");
        assertThat(actions.get(0).get("data").get("merged").asLong()).isPositive();
    }

    @Test
    void criteria_absent_from_the_plan_are_not_required_and_the_last_phase_or_a_paused_rollout_is_never_ready() {
        assertThat(server.put("/api/v1/rollouts/solo", T, "phases: [{name: only, capacity: 5}]\nguards: []\n",
                "application/yaml").status()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(1));
        new Traffic(server, clock, "solo").requests(150, 0, 1);

        JsonNode solo = readiness("solo");
        for (String name : List.of("min-duration", "min-active-users", "max-error-rate", "min-satisfaction")) {
            assertThat(criterion(solo, name).get("met").asBoolean()).as(name).isTrue();
            assertThat(criterion(solo, name).get("detail").asText()).as(name).startsWith("not required");
        }
        assertThat(criterion(solo, "guards-have-data").get("detail").asText()).isEqualTo("no guard applies to this phase");
        assertThat(solo.get("ready").asBoolean()).isFalse();
        assertThat(solo.get("reason").asText()).isEqualTo("phase 1 (only) is the last: complete the rollout instead");
        assertThat(solo.has("nextPhase")).isFalse();

        assertThat(server.postJson("/api/v1/rollouts/desk/pause", T, Map.of()).status()).isEqualTo(200);
        assertThat(readiness("desk").get("reason").asText()).isEqualTo("the rollout is paused: only an active rollout advances");
    }

    @Test
    void the_route_needs_a_reading_token_and_names_unknown_rollouts() {
        assertThat(server.get("/api/v1/rollouts/desk/readiness", null).status()).isEqualTo(401);
        TestServer.Response sdk = server.get("/api/v1/rollouts/desk/readiness", server.token("sdk"));
        assertThat(sdk.status()).isEqualTo(403);
        assertThat(sdk.contentType()).startsWith("application/problem+json");
        assertThat(server.get("/api/v1/rollouts/desk/readiness", server.token("operator")).status()).isEqualTo(200);
        TestServer.Response missing = server.get("/api/v1/rollouts/nope/readiness", T);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asText()).contains("no rollout 'nope'");
        assertThat(server.get("/api/v1/rollouts/Bad%20Key/readiness", T).status()).isEqualTo(422);
    }

    private JsonNode readiness(String key) {
        TestServer.Response r = server.get("/api/v1/rollouts/" + key + "/readiness", T);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json();
    }

    static JsonNode criterion(JsonNode report, String name) {
        for (JsonNode c : report.get("criteria")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no criterion " + name + " in " + report);
    }
}
