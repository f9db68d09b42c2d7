package dev.phasegate.server.telemetry;

import dev.phasegate.server.testing.TestClock;
import com.datadoghq.sketch.ddsketch.DDSketch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sketch accuracy, encodings and concurrent updates of the in-memory rollups. */
class RollupsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static Event request(long at, String user, double latency, boolean error) {
        return new Event(EventType.REQUEST, at, user, "r", null, latency, error, 0, null, null);
    }

    @Test
    void latency_quantiles_are_within_one_percent_of_the_exact_values() {
        Random random = new Random(42);
        double[] values = new double[100_000];
        Partial p = new Partial();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(3 + random.nextGaussian()); // log-normal around 20 ms, long tail
            p.add(request(T0.toEpochMilli(), null, values[i], false));
        }
        Arrays.sort(values);
        Aggregate a = new Aggregate(p);
        for (double q : new double[]{0.5, 0.9, 0.95, 0.99, 0.999}) {
            double exact = values[(int) Math.floor(q * (values.length - 1))];
            assertThat(a.latencyMs(q)).as("q=%s", q).isCloseTo(exact, within(exact * 0.01 + 1e-9));
        }
        // The same after the stored encoding.
        DDSketch decoded = SketchCodec.decodeSketch(SketchCodec.encode(p.latency));
        assertThat(decoded.getCount()).isEqualTo(values.length);
        assertThat(decoded.getValueAtQuantile(0.99)).isEqualTo(a.latencyMs(0.99));
    }

    @Test
    void distinct_users_are_exact_when_few_and_within_five_percent_when_many_also_after_a_round_trip() {
        DistinctUsers few = new DistinctUsers();
        for (int i = 0; i < 300; i++) {
            few.add(Partial.userHash("user-" + (i % 200)));
        }
        assertThat(few.estimate()).isEqualTo(200.0);
        assertThat(DistinctUsers.fromBytes(few.toBytes()).estimate()).isEqualTo(200.0);

        DistinctUsers a = new DistinctUsers();
        DistinctUsers b = new DistinctUsers();
        for (int i = 0; i < 60_000; i++) {
            a.add(Partial.userHash("user-" + i));
            b.add(Partial.userHash("user-" + (i + 40_000))); // 20,000 shared
        }
        DistinctUsers merged = DistinctUsers.fromBytes(a.toBytes());
        merged.merge(DistinctUsers.fromBytes(b.toBytes()));
        assertThat(merged.estimate()).isCloseTo(100_000, within(5_000.0));
    }

    @Test
    void concurrent_ingest_loses_no_counts() throws Exception {
        Rollups rollups = new Rollups(new TestClock(T0), Duration.ofHours(1));
        Series beta = rollups.series("r", Cohort.BETA, 1);
        int threads = 8;
        int batches = 200;
        int perBatch = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int b = 0; b < batches; b++) {
                    IdentityHashMap<Bucket, List<Event>> grouped = new IdentityHashMap<>();
                    for (int i = 0; i < perBatch; i++) {
                        long at = T0.toEpochMilli() + (i % 3) * 10_000L; // three buckets, all threads on the same ones
                        grouped.computeIfAbsent(beta.bucket(Rollups.bucketStart(at)), k -> new ArrayList<>())
                                .add(request(at, "u" + thread + "-" + i, i, i % 10 == 0));
                    }
                    rollups.record(grouped);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        Aggregate all = rollups.window("r", Cohort.BETA, null, T0, T0.plusSeconds(30));
        assertThat(all.requests()).isEqualTo((long) threads * batches * perBatch);
        assertThat(all.errors()).isEqualTo((long) threads * batches * 10);
        assertThat(all.latencyMs().getCount()).isEqualTo((double) threads * batches * perBatch);
        assertThat(all.distinctUsers()).isCloseTo(threads * perBatch, within((long) (threads * perBatch * 0.05)));
        assertThat(beta.requestsTotal.sum()).isEqualTo((long) threads * batches * perBatch);
    }

    @Test
    void series_has_one_aggregate_per_step_including_empty_ones() {
        Rollups rollups = new Rollups(new TestClock(T0), Duration.ofHours(1));
        Series control = rollups.series("r", Cohort.CONTROL, 0);
        IdentityHashMap<Bucket, List<Event>> grouped = new IdentityHashMap<>();
        long t = T0.toEpochMilli();
        grouped.put(control.bucket(t), List.of(request(t, "a", 5, false)));
        grouped.put(control.bucket(t + 70_000), List.of(request(t + 70_000, "b", 7, true), request(t + 75_000, "c", 9, false)));
        rollups.record(grouped);
        List<TimedAggregate> series = rollups.series("r", Cohort.CONTROL, null, T0, T0.plusSeconds(180), Duration.ofMinutes(1));
        assertThat(series).hasSize(3);
        assertThat(series.get(0).start()).isEqualTo(T0);
        assertThat(series.get(0).aggregate().requests()).isEqualTo(1);
        assertThat(series.get(1).aggregate().requests()).isEqualTo(2);
        assertThat(series.get(1).aggregate().errorRatePercent()).isEqualTo(50.0);
        assertThat(series.get(2).aggregate().requests()).isZero();
        assertThat(series.get(2).aggregate().errorRatePercent()).isNaN();
        assertThat(series.get(2).aggregate().latencyMs(0.5)).isNaN();
        assertThat(rollups.window("r", Cohort.BETA, null, T0, T0.plusSeconds(180)).requests()).isZero();
    }

    @Test
    void timestamps_parse_like_instant_parse() {
        for (String s : List.of("2026-03-01T12:00:00Z", "2026-03-01T12:00:00.5Z", "2024-02-29T23:59:59.999+02:00",
                "1999-12-31T00:00:00.123456789-05:30", "2026-03-01T12:00:00.000z")) {
            assertThat(Timestamps.parse(s)).as(s).isEqualTo(Instant.parse(s.replace('z', 'Z')).toEpochMilli());
        }
        for (String s : List.of("2026-02-30T00:00:00Z", "2026-03-01T25:00:00Z", "2026-03-01", "2026-03-01T12:00:00", "soon")) {
            assertThat(Timestamps.parse(s)).as(s).isEqualTo(Timestamps.INVALID);
        }
    }
}
