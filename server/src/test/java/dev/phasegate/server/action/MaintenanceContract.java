package dev.phasegate.server.action;

import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.telemetry.RetentionRun;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Store maintenance on each store, run by the test; every step shows up in the action log. */
abstract class MaintenanceContract {

    static final String T = TestStore.ADMIN_TOKEN;

    TestStore store;
    TestServer server;
    TestClock clock;

    abstract TestStore.Kind kind();

    @BeforeEach
    void start() {
        store = TestStore.create(kind());
        clock = new TestClock(Instant.parse("2026-11-26T10:00:00Z"));
        server = TestServer.start(store.settings().withMonitoring(
                Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1))), clock);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    /** The store-specific steps of one run, checked by each store's test. */
    abstract void checkSteps(List<ActionRecord> recorded);

    @Test
    void a_run_records_each_step_with_its_result_and_deletes_actions_past_the_retention() {
        ActionLog log = server.node().actions();
        log.record(ActionRecord.of(clock.instant().minus(Duration.ofDays(31)), ActionRecord.ADVANCE, "old", null, "long ago")
                .ended(ActionResult.OK, "done", 1, null));
        log.record(ActionRecord.of(clock.instant().minus(Duration.ofDays(29)), ActionRecord.ADVANCE, "recent", null, "last month")
                .ended(ActionResult.OK, "done", 1, null));

        List<ActionRecord> recorded = server.node().maintenance().run();

        assertThat(recorded).isNotEmpty().allSatisfy(a -> {
            assertThat(a.result()).as(a.toString()).isEqualTo(ActionResult.OK);
            assertThat(a.kind()).startsWith("maintenance.");
            assertThat(a.why()).contains("scheduled store maintenance (every 6h)");
        });
        checkSteps(recorded);
        var listed = server.get("/api/v1/actions?kind=" + recorded.get(recorded.size() - 1).kind(), T).json().get("items");
        assertThat(listed.get(0).get("id").asLong()).isEqualTo(recorded.get(recorded.size() - 1).id());
        assertThat(server.get("/api/v1/actions?rollout=old", T).json().get("items")).isEmpty();
        assertThat(server.get("/api/v1/actions?rollout=recent", T).json().get("items")).hasSize(1);
    }

    @Test
    void telemetry_retention_runs_are_recorded_failures_at_once_and_successes_at_most_hourly_with_totals() {
        Maintenance maintenance = server.node().maintenance();
        Instant t = clock.instant();

        maintenance.recordRetention(new RetentionRun(t, 4, 0, 0, null));
        maintenance.recordRetention(new RetentionRun(t.plusSeconds(60), 7, 3, 0, null));
        maintenance.recordRetention(new RetentionRun(t.plusSeconds(120), 5, 2, 0, null));
        maintenance.recordRetention(new RetentionRun(t.plusSeconds(180), 9, 0, 0, "the store is unreachable"));
        maintenance.recordRetention(new RetentionRun(t.plusSeconds(3660), 6, 0, 4, null));

        List<ActionRecord> runs = server.node().actions().list(new ActionQuery(null, ActionRecord.TELEMETRY_RETENTION, null, 10));
        assertThat(runs).extracting(ActionRecord::result)
                .containsExactly(ActionResult.OK, ActionResult.FAILED, ActionResult.OK);
        assertThat(runs.get(2).detail()).isEqualTo("1 run(s) since the last record: 3 downsampled row(s) written, "
                + "0 row(s) past retention deleted");
        assertThat(runs.get(1).detail()).isEqualTo("the store is unreachable");
        assertThat(runs.get(0).detail()).isEqualTo("2 run(s) since the last record: 2 downsampled row(s) written, "
                + "4 row(s) past retention deleted");
        assertThat(runs.get(0).durationMs()).isEqualTo(11);
    }
}
