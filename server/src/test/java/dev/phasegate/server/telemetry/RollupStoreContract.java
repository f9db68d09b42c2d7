package dev.phasegate.server.telemetry;

import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Flush, late events, downsampling and purge of rollup rows, with a fake clock; run on H2 and PostgreSQL. */
abstract class RollupStoreContract {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private TestStore testStore;
    private Database db;
    private TestClock clock;
    private Rollups rollups;
    private RollupStore store;
    private RollupJobs jobs;

    abstract TestStore newStore();

    @BeforeEach
    void open() {
        testStore = newStore();
        db = Database.open(testStore.settings());
        clock = new TestClock(T0);
        rollups = new Rollups(clock, Duration.ofHours(1));
        store = new RollupStore();
        jobs = new RollupJobs(db, store, rollups, clock, Duration.ofDays(30), "node-a");
    }

    @AfterEach
    void close() {
        db.close();
        testStore.close();
    }

    private void record(String user, long at, double latency, boolean error) {
        Series s = rollups.series("r", Cohort.BETA, 1);
        Event e = new Event(EventType.REQUEST, at, user, "r", null, latency, error, 0, null, null);
        java.util.IdentityHashMap<Bucket, List<Event>> grouped = new java.util.IdentityHashMap<>();
        grouped.put(s.bucket(Rollups.bucketStart(at)), List.of(e));
        rollups.record(grouped);
    }

    private List<RollupStore.Row> rows() {
        return db.withHandle(h -> store.read(h, "r", 0, Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()));
    }

    private static long requests(List<RollupStore.Row> rows) {
        return rows.stream().mapToLong(r -> r.data().requests).sum();
    }

    @Test
    void flushes_closed_buckets_only_and_writes_late_events_as_another_row() {
        long t = T0.toEpochMilli();
        record("a", t - 15_000, 10, false); // bucket [t-20 s, t-10 s): ended 10 s ago, past the grace
        record("b", t - 1_000, 20, true);   // the open bucket
        assertThat(jobs.flush(false)).isEqualTo(1);
        assertThat(rows()).hasSize(1);
        assertThat(rows().get(0).start()).isEqualTo(t - 20_000);

        record("c", t - 14_000, 30, false); // late, for the flushed bucket
        clock.advance(Duration.ofSeconds(15)); // the open bucket closes
        assertThat(jobs.flush(false)).isEqualTo(2);
        List<RollupStore.Row> rows = rows();
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().filter(r -> r.start() == t - 20_000)).hasSize(2);
        assertThat(requests(rows)).isEqualTo(3);
        // Memory still holds the flushed buckets for guards, once each.
        Aggregate all = rollups.window("r", Cohort.BETA, null, T0.minusSeconds(60), T0.plusSeconds(60));
        assertThat(all.requests()).isEqualTo(3);
        assertThat(all.errors()).isEqualTo(1);
        assertThat(all.distinctUsers()).isEqualTo(3);
        assertThat(jobs.flush(false)).isZero();
    }

    @Test
    void a_failed_flush_keeps_the_data_for_the_next_one() {
        long t = T0.toEpochMilli();
        record("a", t - 15_000, 10, false);
        db.withHandle(h -> h.execute("ALTER TABLE telemetry_rollup RENAME TO telemetry_rollup_away"));
        jobs.flushTick();
        assertThat(jobs.flushFailures.get()).isEqualTo(1);
        db.withHandle(h -> h.execute("ALTER TABLE telemetry_rollup_away RENAME TO telemetry_rollup"));
        jobs.flushTick();
        assertThat(requests(rows())).isEqualTo(1);
        assertThat(rollups.window("r", Cohort.BETA, 1, T0.minusSeconds(60), T0).requests()).isEqualTo(1);
    }

    @Test
    void downsamples_to_minutes_then_hours_merging_rows_and_purges_past_retention() {
        long t = T0.toEpochMilli();
        // Six 10 s buckets of one minute, each with one request, and a late second row for the first bucket.
        for (int i = 0; i < 6; i++) {
            record("u" + i, t + i * 10_000L, 10 + i, false);
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(jobs.flush(false)).isEqualTo(6);
        record("late", t + 1, 100, true);
        assertThat(jobs.flush(false)).isEqualTo(1);
        assertThat(rows()).hasSize(7);

        clock.advance(Duration.ofMinutes(57)); // 12:59: the minute's rows are not yet an hour old
        assertThat(jobs.downsample()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(jobs.downsample()).isEqualTo(1);
        List<RollupStore.Row> minute = rows();
        assertThat(minute).hasSize(1);
        assertThat(minute.get(0).resolution()).isEqualTo(60);
        assertThat(minute.get(0).start()).isEqualTo(t);
        assertThat(minute.get(0).data().requests).isEqualTo(7);
        assertThat(minute.get(0).data().errors).isEqualTo(1);
        assertThat(minute.get(0).data().users.estimate()).isEqualTo(7.0);
        assertThat(minute.get(0).data().latency.getMaxValue()).isCloseTo(100, org.assertj.core.data.Offset.offset(1.0));

        clock.advance(Duration.ofHours(24));
        assertThat(jobs.downsample()).isEqualTo(1);
        List<RollupStore.Row> hour = rows();
        assertThat(hour).hasSize(1);
        assertThat(hour.get(0).resolution()).isEqualTo(3600);
        assertThat(hour.get(0).start()).isEqualTo(t);
        assertThat(hour.get(0).data().requests).isEqualTo(7);

        clock.advance(Duration.ofDays(28));
        assertThat(jobs.purge()).isZero();
        clock.advance(Duration.ofDays(2));
        assertThat(jobs.purge()).isEqualTo(1);
        assertThat(rows()).isEmpty();
    }

    @Test
    void evicts_stored_buckets_after_the_memory_window_and_close_flushes_the_rest() {
        long t = T0.toEpochMilli();
        record("a", t, 10, false);
        clock.advance(Duration.ofMinutes(1));
        jobs.flush(false);
        clock.advance(Duration.ofMinutes(61));
        record("b", clock.millis(), 10, false); // in the open bucket
        assertThat(rollups.evict()).isEqualTo(1);
        assertThat(rollups.window("r", Cohort.BETA, 1, T0.minusSeconds(60), T0.plusSeconds(60)).requests()).isZero();
        jobs.close();
        assertThat(requests(rows())).isEqualTo(2);
    }

    @Test
    void stored_rows_read_back_with_every_field() {
        long t = T0.toEpochMilli();
        Series s = rollups.series("r", Cohort.CONTROL, 0);
        List<Event> events = List.of(
                new Event(EventType.SESSION, t, "a", "r", null, 30_000, false, 0, null, null),
                new Event(EventType.FEATURE_USED, t, "a", "r", "r-f1", 0, false, 0, null, null),
                new Event(EventType.FEEDBACK, t, "a", "r", null, 0, false, 5, "great – ünïcode", null),
                new Event(EventType.METRIC, t, "a", "r", null, -2.5, false, 0, null, "queue.depth"),
                new Event(EventType.METRIC, t, "a", "r", null, 7.5, false, 0, null, "queue.depth"));
        java.util.IdentityHashMap<Bucket, List<Event>> grouped = new java.util.IdentityHashMap<>();
        grouped.put(s.bucket(Rollups.bucketStart(t)), events);
        rollups.record(grouped);
        clock.advance(Duration.ofMinutes(1));
        jobs.flush(false);
        RollupStore.Row row = rows().get(0);
        Aggregate a = new Aggregate(row.data());
        assertThat(row.cohort()).isEqualTo(Cohort.CONTROL);
        assertThat(a.sessions()).isEqualTo(1);
        assertThat(a.sessionSecondsAverage()).isEqualTo(30.0);
        assertThat(a.featureUsage()).containsEntry("r-f1", 1L);
        assertThat(a.feedbackAverage()).isEqualTo(5.0);
        assertThat(a.comments()).singleElement().satisfies(c -> {
            assertThat(c.comment()).isEqualTo("great – ünïcode");
            assertThat(c.at()).isEqualTo(T0);
        });
        assertThat(a.metric("queue.depth")).contains(new MetricStat(2, 5.0, -2.5, 7.5));
        assertThat(a.distinctUsers()).isEqualTo(1);
    }
}
