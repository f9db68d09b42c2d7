package dev.phasegate.bench.evaluation;

import com.launchdarkly.sdk.LDContext;
import dev.phasegate.core.gate.Bucketing;
import dev.phasegate.core.gate.Evaluator;
import io.getunleash.UnleashContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.togglz.core.user.FeatureUser;
import org.togglz.core.user.SimpleFeatureUser;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One feature check for one user, per SDK and per kind of feature: a 25 % percentage ramp, and a feature
 * for enrolled (targeted) users only. Every call takes the next of the same 100,000 user ids. The peers' main
 * benchmarks build the SDK's user context in the call, as an app does when all it has is a user id (which is
 * what Phasegate's {@code isEnabled} takes); the {@code *_contextReused} variants hand the peer a context
 * made in advance, to show how much of its cost that is. Run with {@code -prof gc} for B/op; see
 * bench/README.md, "In-process evaluation vs peer SDKs".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
// Unleash loads its native engine with System.load, which JDK 24+ warns about unless native access is granted.
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class EvaluationBenchmark {

    /** Walks the population in order, wrapping around; one per benchmark thread. */
    @State(Scope.Thread)
    public static class Cursor {
        private final Population population = Population.STANDARD;
        private int next;

        int nextIndex() {
            int i = next;
            next = i + 1 == population.size() ? 0 : i + 1;
            return i;
        }

        String nextId() {
            return population.id(nextIndex());
        }
    }

    @State(Scope.Benchmark)
    public static class PhasegateState {
        PhasegateSide side;
        Evaluator evaluator;

        @Setup(Level.Trial)
        public void start() throws IOException {
            Population population = Population.STANDARD;
            side = PhasegateSide.start(population);
            evaluator = side.evaluator();
            ShareCheck.requirePhasegateRule("Phasegate SDK", population, id -> side.isEnabled(Features.RAMP, id));
            ShareCheck.require("Phasegate SDK", population,
                    id -> side.isEnabled(Features.RAMP, id), id -> side.isEnabled(Features.ENROLLED, id));
            ShareCheck.require("Phasegate Evaluator", population,
                    id -> evaluator.isEnabled(Features.RAMP, id), id -> evaluator.isEnabled(Features.ENROLLED, id));
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            side.close();
        }
    }

    @State(Scope.Benchmark)
    public static class UnleashState {
        UnleashPeer peer;
        UnleashContext[] contexts;

        @Setup(Level.Trial)
        public void start() throws IOException {
            Population population = Population.STANDARD;
            peer = UnleashPeer.start(population);
            ShareCheck.require("Unleash", population,
                    id -> peer.isEnabled(Features.RAMP, id), id -> peer.isEnabled(Features.ENROLLED, id));
            contexts = new UnleashContext[population.size()];
            for (int i = 0; i < contexts.length; i++) {
                contexts[i] = UnleashPeer.context(population.id(i));
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            peer.close();
        }
    }

    @State(Scope.Benchmark)
    public static class LaunchDarklyState {
        LaunchDarklyPeer peer;
        LDContext[] contexts;

        @Setup(Level.Trial)
        public void start() throws IOException {
            Population population = Population.STANDARD;
            peer = LaunchDarklyPeer.start(population);
            ShareCheck.require("LaunchDarkly", population,
                    id -> peer.isEnabled(Features.RAMP, id), id -> peer.isEnabled(Features.ENROLLED, id));
            contexts = new LDContext[population.size()];
            for (int i = 0; i < contexts.length; i++) {
                contexts[i] = LDContext.create(population.id(i));
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            peer.close();
        }
    }

    @State(Scope.Benchmark)
    public static class TogglzState {
        TogglzPeer peer;
        FeatureUser[] users;

        @Setup(Level.Trial)
        public void start() {
            Population population = Population.STANDARD;
            peer = TogglzPeer.start(population);
            ShareCheck.require("Togglz", population,
                    id -> peer.isEnabled(TogglzPeer.Flag.RAMP_25, id), id -> peer.isEnabled(TogglzPeer.Flag.BETA_FEATURE, id));
            users = new FeatureUser[population.size()];
            for (int i = 0; i < users.length; i++) {
                users[i] = new SimpleFeatureUser(population.id(i));
            }
        }
    }

    // ---- the floors: what any SDK must do for a user it has not seen for a while ----

    /** The feature's hash prefix, computed once as the SDK does. */
    private static final Bucketing.Prefix RAMP_PREFIX = Bucketing.prefix(Features.RAMP);

    /** Murmur3 of featureKey:userId with the feature's prefix precomputed: the hash a percentage check cannot avoid. */
    @Benchmark
    public boolean floor_murmur3(Cursor cursor) {
        return RAMP_PREFIX.bucket(cursor.nextId()) < Features.RAMP_PERCENT;
    }

    /**
     * Reading the user id and its cached hash code, nothing else: with 100,000 ids cycling, each id is a
     * cache miss, and every SDK (a set lookup, a hash, a map of targets) pays at least this.
     */
    @Benchmark
    public int floor_readId(Cursor cursor) {
        return cursor.nextId().hashCode();
    }

    // ---- Phasegate ----

    @Benchmark
    public boolean phasegateSdk_percentage(PhasegateState phasegate, Cursor cursor) {
        return phasegate.side.isEnabled(Features.RAMP, cursor.nextId());
    }

    @Benchmark
    public boolean phasegateSdk_enrolled(PhasegateState phasegate, Cursor cursor) {
        return phasegate.side.isEnabled(Features.ENROLLED, cursor.nextId());
    }

    @Benchmark
    public boolean phasegateEvaluator_percentage(PhasegateState phasegate, Cursor cursor) {
        return phasegate.evaluator.isEnabled(Features.RAMP, cursor.nextId());
    }

    @Benchmark
    public boolean phasegateEvaluator_enrolled(PhasegateState phasegate, Cursor cursor) {
        return phasegate.evaluator.isEnabled(Features.ENROLLED, cursor.nextId());
    }

    // ---- Unleash ----

    @Benchmark
    public boolean unleash_percentage(UnleashState unleash, Cursor cursor) {
        return unleash.peer.isEnabled(Features.RAMP, cursor.nextId());
    }

    @Benchmark
    public boolean unleash_enrolled(UnleashState unleash, Cursor cursor) {
        return unleash.peer.isEnabled(Features.ENROLLED, cursor.nextId());
    }

    @Benchmark
    public boolean unleash_percentage_contextReused(UnleashState unleash, Cursor cursor) {
        return unleash.peer.isEnabled(Features.RAMP, unleash.contexts[cursor.nextIndex()]);
    }

    // ---- LaunchDarkly ----

    @Benchmark
    public boolean launchDarkly_percentage(LaunchDarklyState launchDarkly, Cursor cursor) {
        return launchDarkly.peer.isEnabled(Features.RAMP, cursor.nextId());
    }

    @Benchmark
    public boolean launchDarkly_enrolled(LaunchDarklyState launchDarkly, Cursor cursor) {
        return launchDarkly.peer.isEnabled(Features.ENROLLED, cursor.nextId());
    }

    @Benchmark
    public boolean launchDarkly_percentage_contextReused(LaunchDarklyState launchDarkly, Cursor cursor) {
        return launchDarkly.peer.isEnabled(Features.RAMP, launchDarkly.contexts[cursor.nextIndex()]);
    }

    // ---- Togglz ----

    @Benchmark
    public boolean togglz_percentage(TogglzState togglz, Cursor cursor) {
        return togglz.peer.isEnabled(TogglzPeer.Flag.RAMP_25, cursor.nextId());
    }

    @Benchmark
    public boolean togglz_enrolled(TogglzState togglz, Cursor cursor) {
        return togglz.peer.isEnabled(TogglzPeer.Flag.BETA_FEATURE, cursor.nextId());
    }

    @Benchmark
    public boolean togglz_percentage_contextReused(TogglzState togglz, Cursor cursor) {
        return togglz.peer.isEnabled(TogglzPeer.Flag.RAMP_25, togglz.users[cursor.nextIndex()]);
    }
}
