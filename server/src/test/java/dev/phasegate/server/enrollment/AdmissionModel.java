package dev.phasegate.server.enrollment;

import dev.phasegate.core.enrollment.EnrollmentStatus;
import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.plan.StartMode;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.RolloutView;
import dev.phasegate.server.store.Database;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reference model of admission (capacity, FIFO waitlist, promotion) and a runner that applies random
 * operation sequences to both the model and the real services on a store, comparing after every step.
 */
final class AdmissionModel {

    enum Kind { ENROLL, LEAVE, ADVANCE, PAUSE, RESUME, BATCH }

    /** One operation; {@code users} holds one id, or several for a batch. */
    record Op(Kind kind, List<String> users) {
        @Override
        public String toString() {
            return kind + (users.isEmpty() ? "" : users.toString());
        }
    }

    static Arbitrary<List<Op>> operations() {
        Arbitrary<String> user = Arbitraries.integers().between(0, 24).map(i -> "u" + i);
        Arbitrary<Op> enroll = user.map(u -> new Op(Kind.ENROLL, List.of(u)));
        Arbitrary<Op> leave = user.map(u -> new Op(Kind.LEAVE, List.of(u)));
        Arbitrary<Op> batch = user.list().ofMinSize(1).ofMaxSize(8).map(us -> new Op(Kind.BATCH, us));
        Arbitrary<Op> other = Arbitraries.of(Kind.ADVANCE, Kind.PAUSE, Kind.RESUME).map(k -> new Op(k, List.of()));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, enroll), net.jqwik.api.Tuple.of(3, leave), net.jqwik.api.Tuple.of(2, batch),
                        net.jqwik.api.Tuple.of(2, other))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    /** Services over one store, shared by many tries; each try gets a rollout of its own. */
    static final class Runner {
        private final RolloutService rollouts;
        private final EnrollmentService enrollments;
        private final AtomicInteger tries = new AtomicInteger();

        Runner(Database db) {
            AuditLog audit = new AuditLog();
            RolloutRepository repo = new RolloutRepository();
            RolloutLocks locks = new RolloutLocks();
            enrollments = new EnrollmentService(db, repo, new EnrollmentRepository(), audit, locks, Clock.systemUTC());
            rollouts = new RolloutService(db, repo, audit, locks, enrollments, Clock.systemUTC());
        }

        void check(List<Op> ops, int... capacities) {
            String key = "prop-" + tries.incrementAndGet();
            List<Phase> phases = new ArrayList<>();
            for (int i = 0; i < capacities.length; i++) {
                phases.add(new Phase("p" + (i + 1), capacities[i], List.of(key + "-f" + i), 0, null));
            }
            rollouts.apply(new Plan(key, key, "", StartMode.ACTIVE, phases, List.of(), Runbook.REFERENCE, List.of()), false, Actor.SYSTEM);

            Model model = new Model(capacities);
            for (Op op : ops) {
                switch (op.kind()) {
                    case ENROLL, BATCH -> {
                        List<EnrollmentService.Candidate> candidates = op.users().stream()
                                .map(u -> new EnrollmentService.Candidate(u, null, null)).toList();
                        enrollments.enroll(key, candidates, Actor.SYSTEM);
                        op.users().forEach(model::enroll);
                    }
                    case LEAVE -> {
                        String u = op.users().get(0);
                        boolean known = model.known.contains(u);
                        try {
                            enrollments.leave(key, u, Actor.SYSTEM);
                            assertThat(known).as("leave of a user never enrolled must be 404").isTrue();
                        } catch (PhasegateException.NotFound e) {
                            assertThat(known).as("leave of a known user must succeed").isFalse();
                        }
                        model.leave(u);
                    }
                    case ADVANCE -> transition(key, Action.ADVANCE, model.active && model.phase < capacities.length, model::advance);
                    case PAUSE -> transition(key, Action.PAUSE, model.active, () -> model.active = false);
                    case RESUME -> transition(key, Action.RESUME, !model.active, model::resume);
                }
                compare(key, model, op);
            }
        }

        private void transition(String key, Action action, boolean allowed, Runnable onModel) {
            try {
                rollouts.transition(key, action, false, null, Actor.SYSTEM);
                assertThat(allowed).as(action + " was allowed but the model refuses it").isTrue();
                onModel.run();
            } catch (PhasegateException.Conflict e) {
                assertThat(allowed).as(action + " was refused but the model allows it: " + e.getMessage()).isFalse();
            }
        }

        private void compare(String key, Model model, Op after) {
            RolloutView view = rollouts.get(key);
            assertThat(view.enrolled()).as("after %s: enrolled never above capacity", after).isLessThanOrEqualTo(view.capacity());
            List<String> enrolled = enrollments.page(key, EnrollmentStatus.ENROLLED, null, null, 1000).stream().map(Enrollment::userId).toList();
            List<String> waitlisted = enrollments.page(key, EnrollmentStatus.WAITLISTED, null, null, 1000).stream().map(Enrollment::userId).toList();
            assertThat(new LinkedHashSet<>(enrolled)).as("after %s: enrolled users", after).isEqualTo(model.enrolled);
            assertThat(waitlisted).as("after %s: waitlist in arrival order", after).containsExactlyElementsOf(model.waitlist);
            assertThat(view.enrolled()).isEqualTo(model.enrolled.size());
            assertThat(view.waitlisted()).isEqualTo(model.waitlist.size());
            assertThat(view.currentPhase()).isEqualTo(model.phase);
        }
    }

    /** The rules, written as plainly as possible. */
    static final class Model {
        final int[] capacities;
        int phase = 1;
        boolean active = true;
        final Set<String> enrolled = new LinkedHashSet<>();
        final List<String> waitlist = new ArrayList<>();
        final Set<String> known = new LinkedHashSet<>();

        Model(int[] capacities) {
            this.capacities = capacities;
        }

        int capacity() {
            return capacities[phase - 1];
        }

        void enroll(String u) {
            known.add(u);
            if (enrolled.contains(u) || waitlist.contains(u)) {
                return;
            }
            if (active && waitlist.isEmpty() && enrolled.size() < capacity()) {
                enrolled.add(u);
            } else {
                waitlist.add(u);
            }
        }

        void leave(String u) {
            enrolled.remove(u);
            waitlist.remove(u);
            promote();
        }

        void advance() {
            phase++;
            promote();
        }

        void resume() {
            active = true;
            promote();
        }

        void promote() {
            while (active && enrolled.size() < capacity() && !waitlist.isEmpty()) {
                enrolled.add(waitlist.remove(0));
            }
        }
    }

    private AdmissionModel() {
    }

    static Arbitrary<int[]> capacities() {
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 6))
                .as((a, b, c) -> new int[]{a, a + b, a + b + c});
    }
}
