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
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enrollments, leaves, pauses, resumes and advances from 16 threads at once, interleaved as the scheduler
 * pleases. Afterwards the stored state must be one that admission allows: counts equal to the rows,
 * enrolled within the current capacity, nobody waiting while a place is free, and the waitlist in
 * arrival order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentChurnContract {

    abstract TestStore.Kind kind();

    private int round;

    @RepeatedTest(5)
    void concurrent_churn_leaves_a_state_admission_allows() throws Exception {
        try (TestStore store = TestStore.create(kind()); Database db = Database.open(store.settings())) {
            AuditLog audit = new AuditLog();
            RolloutRepository repo = new RolloutRepository();
            RolloutLocks locks = new RolloutLocks();
            EnrollmentService enrollments = new EnrollmentService(db, repo, new EnrollmentRepository(), audit, locks, Clock.systemUTC());
            RolloutService rollouts = new RolloutService(db, repo, audit, locks, enrollments, Clock.systemUTC());
            String key = "churn-" + (++round);
            rollouts.apply(new Plan(key, key, "", StartMode.ACTIVE, List.of(
                    new Phase("a", 5, List.of(key + "-a"), 0, null), new Phase("b", 12, List.of(), 0, null),
                    new Phase("c", 30, List.of(), 0, null)), List.of(), Runbook.REFERENCE, List.of()), false, Actor.SYSTEM);

            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    long seed = 1000L * round + t;
                    work.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        for (int i = 0; i < 60; i++) {
                            String user = "u" + random.nextInt(80);
                            int dice = random.nextInt(100);
                            try {
                                if (dice < 55) {
                                    enrollments.enroll(key, List.of(new EnrollmentService.Candidate(user, null, null)), Actor.SYSTEM);
                                } else if (dice < 85) {
                                    enrollments.leave(key, user, Actor.SYSTEM);
                                } else if (dice < 92) {
                                    rollouts.transition(key, Action.PAUSE, false, null, Actor.SYSTEM);
                                } else if (dice < 98) {
                                    rollouts.transition(key, Action.RESUME, false, null, Actor.SYSTEM);
                                } else {
                                    rollouts.transition(key, Action.ADVANCE, false, null, Actor.SYSTEM);
                                }
                            } catch (PhasegateException.NotFound | PhasegateException.Conflict expected) {
                                // leaving as a stranger, or a transition the state does not allow now
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            }
            if (rollouts.get(key).state().equals("paused")) {
                rollouts.transition(key, Action.RESUME, false, null, Actor.SYSTEM);
            }

            RolloutView view = rollouts.get(key);
            List<Enrollment> enrolled = enrollments.page(key, EnrollmentStatus.ENROLLED, null, null, 1000);
            List<Enrollment> waiting = enrollments.page(key, EnrollmentStatus.WAITLISTED, null, null, 1000);
            assertThat(view.enrolled()).as("enrolled count equals enrolled rows").isEqualTo(enrolled.size());
            assertThat(view.waitlisted()).as("waitlist count equals waitlisted rows").isEqualTo(waiting.size());
            assertThat(enrolled.size()).as("never above capacity").isLessThanOrEqualTo(view.capacity());
            if (!waiting.isEmpty()) {
                assertThat(enrolled.size()).as("nobody waits while a place is free").isEqualTo(view.capacity());
            }
            List<Long> order = waiting.stream().map(Enrollment::seq).toList();
            assertThat(order).as("waitlist in arrival order").isSorted();
        }
    }
}
