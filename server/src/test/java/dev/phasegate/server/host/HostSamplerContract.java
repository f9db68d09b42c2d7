package dev.phasegate.server.host;

import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sampler with scripted readings and a fake clock, storing into a real store; {@code H2HostSamplerTest}
 * and {@code PostgresHostSamplerTest} run it on each store.
 */
abstract class HostSamplerContract {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    TestStore store;
    Database db;
    TestClock clock;
    ScheduledExecutorService scheduler;

    abstract TestStore.Kind kind();

    @BeforeEach
    void open() {
        store = TestStore.create(kind());
        db = Database.open(store.settings());
        clock = new TestClock(T0);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void close() {
        scheduler.shutdownNow();
        if (db != null) {
            db.close();
        }
        store.close();
    }

    static Monitoring monitoring(Duration interval, Duration memoryWindow, Duration retention) {
        return new Monitoring(Monitoring.DEFAULT_MAX_FUTURE_SKEW, Monitoring.DEFAULT_MAX_EVENT_AGE, retention, memoryWindow,
                interval, Monitoring.DEFAULT_GUARD_INTERVAL, null, false);
    }

    /** Readings whose CPU is 25 % busy and whose received bytes grow 1,000/s, at whatever instant is asked. */
    static HostProbe steadyProbe() {
        return at -> {
            long s = at.getEpochSecond() - T0.getEpochSecond() + 1_000;
            Readings r = new Readings();
            r.at = at;
            r.cpuTicks = new long[]{s, 0, 0, 3 * s, 0, 0, 0, 0};
            r.rx = 1_000 * s;
            return r.build();
        };
    }

    HostSampler sampler(HostProbe probe, Monitoring monitoring, String node) {
        return new HostSampler(probe, db, clock, scheduler, false, monitoring, node);
    }

    private int rows() {
        return db.withHandle(h -> new HostSampleStore().count(h));
    }

    @Test
    void each_interval_gives_a_sample_kept_in_memory_and_stored() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1)), "n1");
        sampler.start(); // baseline at T0; the scheduled ticks are an hour away, so only ours run
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(5));
            sampler.tick();
        }
        assertThat(sampler.latest()).get().satisfies(s -> {
            assertThat(s.at()).isEqualTo(T0.plusSeconds(15));
            assertThat(s.systemCpuPercent()).isEqualTo(25.0);
            assertThat(s.netRxBytesPerSecond()).isEqualTo(1_000.0);
        });
        assertThat(sampler.window(T0.plusSeconds(10), T0.plusSeconds(15))).extracting(HostSample::at)
                .containsExactly(T0.plusSeconds(10), T0.plusSeconds(15));
        assertThat(rows()).isEqualTo(3);
        assertThat(sampler.samples()).isEqualTo(3);
        assertThat(sampler.failures()).isZero();
        sampler.close();
    }

    @Test
    void memory_holds_only_the_memory_window_while_the_store_keeps_everything() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(1)), "n1");
        sampler.start();
        for (int i = 0; i < 24; i++) { // two minutes of 5 s samples
            clock.advance(Duration.ofSeconds(5));
            sampler.tick();
        }
        Instant now = T0.plusSeconds(120);
        assertThat(sampler.window(T0, now)).hasSize(13) // now - 60 s .. now, both ends included
                .allSatisfy(s -> assertThat(s.at()).isAfterOrEqualTo(now.minusSeconds(60)));
        assertThat(sampler.oldestInMemory()).contains(now.minusSeconds(60));
        assertThat(rows()).isEqualTo(24);
        sampler.close();
    }

    @Test
    void stored_samples_older_than_the_retention_are_purged() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofHours(1)), "n1");
        sampler.start();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(5));
            sampler.tick();
        }
        // Another node's old row goes too: retention is a property of the table, not of one node.
        db.withHandle(h -> {
            new HostSampleStore().insert(h, "other", sample(T0.minusSeconds(1)));
            return null;
        });
        assertThat(rows()).isEqualTo(4);

        clock.advance(Duration.ofMinutes(59)); // T0 + 59m15s: nothing is an hour old yet
        sampler.tick();
        assertThat(rows()).isEqualTo(5);

        clock.advance(Duration.ofMinutes(2)); // T0 + 61m15s: the first four are past the retention
        sampler.tick();
        java.util.List<Long> left = db.withHandle(h -> h.createQuery("SELECT at_ms FROM host_sample ORDER BY at_ms").mapTo(Long.class).list());
        assertThat(left).containsExactly(T0.plusSeconds(59 * 60 + 15).toEpochMilli(), T0.plusSeconds(61 * 60 + 15).toEpochMilli());
        sampler.close();
    }

    @Test
    void a_clock_that_jumps_back_skips_one_interval_and_sampling_goes_on() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1)), "n1");
        sampler.start();
        clock.advance(Duration.ofSeconds(5));
        sampler.tick();
        clock.advance(Duration.ofSeconds(-10));
        sampler.tick();
        clock.advance(Duration.ofSeconds(15));
        sampler.tick();
        assertThat(sampler.samples()).isEqualTo(2);
        assertThat(sampler.window(T0, T0.plusSeconds(60))).extracting(HostSample::at).containsExactly(T0.plusSeconds(5), T0.plusSeconds(10));
        assertThat(sampler.failures()).isZero();
        sampler.close();
    }

    @Test
    void the_scheduled_loop_survives_a_failing_reading_and_counts_it() {
        clock = new TestClock(T0, Duration.ofSeconds(1)); // each tick sees a second pass
        AtomicInteger reads = new AtomicInteger();
        HostProbe steady = steadyProbe();
        HostProbe flaky = at -> {
            if (reads.incrementAndGet() == 3) {
                throw new IllegalStateException("simulated: /proc unreadable");
            }
            return steady.read(at);
        };
        HostSampler sampler = sampler(flaky, monitoring(Duration.ofMillis(20), Duration.ofHours(1), Duration.ofDays(1)), "n1");
        sampler.start();
        // Rows, not samples(): a sample is counted before its write, which may still be under way.
        await().atMost(Duration.ofSeconds(30)).until(() -> rows() >= 4);
        sampler.close();
        assertThat(sampler.failures()).isEqualTo(1);
        assertThat(sampler.samples()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void a_failing_store_keeps_the_sample_in_memory_and_counts_the_failure() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1)), "n1");
        sampler.start();
        db.close(); // the store goes away
        clock.advance(Duration.ofSeconds(5));
        sampler.tick();
        assertThat(sampler.latest()).get().extracting(HostSample::at).isEqualTo(T0.plusSeconds(5));
        assertThat(sampler.failures()).isEqualTo(2); // the write, and the purge that follows it
        db = null;
        sampler.close();
    }

    @Test
    void averages_per_step_count_each_sample_once_from_memory_and_store_and_include_other_nodes() {
        HostSampler sampler = sampler(steadyProbe(), monitoring(Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(1)), "n1");
        sampler.start();
        for (int i = 0; i < 24; i++) { // T0+5s .. T0+120s; memory keeps T0+60s on, the store all 24
            clock.advance(Duration.ofSeconds(5));
            sampler.tick();
        }
        db.withHandle(h -> {
            HostSampleStore s = new HostSampleStore();
            s.insert(h, "other", sample(T0.plusSeconds(30)));   // cpu 10
            s.insert(h, "other", sample(T0.plusSeconds(90)));   // cpu 10
            s.insert(h, "other", sample(T0.plusSeconds(120)));  // at "to": outside [from, to)
            return null;
        });
        @SuppressWarnings("unchecked")
        java.util.List<java.util.Map<String, Object>> points = (java.util.List<java.util.Map<String, Object>>)
                SystemMetricsRoutes.points(sampler, T0, T0.plusSeconds(120), Duration.ofMinutes(1)).get("points");

        assertThat(points).hasSize(2);
        // First minute: 11 own samples (T0+5s .. T0+55s, from the store) at 25 % and one other at 10 %.
        assertThat(points.get(0)).containsEntry("at", T0).containsEntry("samples", 12L);
        assertThat((double) points.get(0).get("systemCpuPercent")).isCloseTo((11 * 25.0 + 10) / 12, org.assertj.core.api.Assertions.within(1e-9));
        // Second minute: 12 own samples (T0+60s .. T0+115s, from memory, also stored) and one other.
        assertThat(points.get(1)).containsEntry("at", T0.plusSeconds(60)).containsEntry("samples", 13L);
        assertThat((double) points.get(1).get("netRxBytesPerSecond")).isCloseTo((12 * 1_000.0 + 100) / 13, org.assertj.core.api.Assertions.within(1e-9));
        sampler.close();
    }

    static HostSample sample(Instant at) {
        return new HostSample(at, 10, 1, 50, 500, 40, 1_000, 100, 50, 10, 100, 0.5, 2, 20);
    }
}
