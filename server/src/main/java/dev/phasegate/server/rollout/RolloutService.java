package dev.phasegate.server.rollout;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.plan.StartMode;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.core.rollout.PhaseStateMachine;
import dev.phasegate.core.rollout.PlanChange;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.core.rollout.Transition;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.notify.Notifier;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.phasegate.server.store.Database;

/** Applying plans and moving rollouts through their states, each change with its audit entry in one transaction. */
public final class RolloutService {

    private final Database db;
    private final RolloutRepository rollouts;
    private final AuditLog audit;
    private final RolloutLocks locks;
    private final Waitlist waitlist;
    private final Clock clock;
    private final Notifier notifier;

    /** A service whose transitions tell no one (see the constructor with a {@link Notifier}). */
    public RolloutService(Database db, RolloutRepository rollouts, AuditLog audit, RolloutLocks locks, Waitlist waitlist, Clock clock) {
        this(db, rollouts, audit, locks, waitlist, clock, Notifier.NONE);
    }

    /** @param notifier tells enrolled users about the features of a phase advanced to, in the advancing transaction */
    public RolloutService(Database db, RolloutRepository rollouts, AuditLog audit, RolloutLocks locks, Waitlist waitlist, Clock clock,
                          Notifier notifier) {
        this.notifier = notifier;
        this.db = db;
        this.rollouts = rollouts;
        this.audit = audit;
        this.locks = locks;
        this.waitlist = waitlist;
        this.clock = clock;
    }

    /** Creates the rollout or replaces its plan; refuses changes that would break an invariant. */
    public ApplyResult apply(Plan plan, boolean dryRun, Actor actor) {
        return locks.withLock(plan.key(), () -> db.inTransaction(h -> {
            Instant now = clock.instant();
            var existing = rollouts.lock(h, plan.key());
            checkFeatureOwnership(h, plan);
            if (existing.isEmpty()) {
                List<String> changes = PlanChange.describe(null, plan);
                RolloutState state = plan.start() == StartMode.DRAFT ? RolloutState.DRAFT : RolloutState.ACTIVE;
                StoredRollout created = new StoredRollout(new Rollout(plan, state, 1, 0, 0, false), 1, now, now, now);
                if (dryRun) {
                    return new ApplyResult("created", true, changes, view(created, Map.of(), Map.of()));
                }
                rollouts.insert(h, created, now);
                rollouts.syncFeatures(h, plan.key(), plan.featureKeys(), now);
                db.markRulesChanged(h);
                audit.record(h, now, actor, new AuditLog.Entry("rollout.created", plan.key(), plan.key(), null,
                        PlanDocuments.toDocument(plan)));
                return new ApplyResult("created", false, changes, view(h, plan.key()));
            }
            StoredRollout before = existing.get();
            List<Problem> problems = PlanChange.check(before.rollout(), plan);
            if (!problems.isEmpty()) {
                throw new PhasegateException.Conflict("the plan cannot replace the running one: " + problems.get(0), problems);
            }
            List<String> changes = PlanChange.describe(before.rollout().plan(), plan);
            if (changes.isEmpty()) {
                return new ApplyResult("unchanged", dryRun, changes, view(h, plan.key()));
            }
            if (dryRun) {
                return new ApplyResult("updated", true, changes, view(h, plan.key()));
            }
            Rollout r = before.rollout();
            StoredRollout updated = before.with(new Rollout(plan, r.state(), r.currentPhase(), r.enrolled(), r.waitlisted(), r.featuresWithdrawn()));
            rollouts.syncFeatures(h, plan.key(), plan.featureKeys(), now);
            audit.record(h, now, actor, new AuditLog.Entry("plan.applied", plan.key(), plan.key(),
                    PlanDocuments.toDocument(before.rollout().plan()), PlanDocuments.toDocument(plan)));
            updated = waitlist.promote(h, updated, actor, now);
            rollouts.update(h, updated, now);
            db.markRulesChanged(h);
            return new ApplyResult("updated", false, changes, view(h, plan.key()));
        }));
    }

    /**
     * Asks the state machine for {@code action} and stores the outcome.
     *
     * @param withdrawFeatures for pause: withdraw every feature while paused
     * @param reason           why, for the audit log (may be null)
     */
    public RolloutView transition(String key, Action action, boolean withdrawFeatures, String reason, Actor actor) {
        return transition(key, action, withdrawFeatures, reason, actor, null);
    }

    /**
     * Advances out of phase {@code fromPhase} only: whoever judged that phase ready (the guardian's auto-advance)
     * must not advance a phase nobody judged because someone else moved the rollout meanwhile (409 then).
     */
    public RolloutView advanceFrom(String key, int fromPhase, String reason, Actor actor) {
        return transition(key, Action.ADVANCE, false, reason, actor, fromPhase);
    }

    private RolloutView transition(String key, Action action, boolean withdrawFeatures, String reason, Actor actor,
                                   Integer expectedPhase) {
        return locks.withLock(key, () -> db.inTransaction(h -> {
            transitionIn(h, key, action, withdrawFeatures, reason, actor, expectedPhase);
            return view(h, key);
        }));
    }

    /**
     * The same inside the caller's transaction, for work that must commit with the change (the runbook
     * marks its step done in the same transaction). The caller holds {@link RolloutLocks} for {@code key}.
     */
    public StoredRollout transitionIn(Handle h, String key, Action action, boolean withdrawFeatures, String reason, Actor actor) {
        return transitionIn(h, key, action, withdrawFeatures, reason, actor, null);
    }

    private StoredRollout transitionIn(Handle h, String key, Action action, boolean withdrawFeatures, String reason, Actor actor,
                                       Integer expectedPhase) {
        Instant now = clock.instant();
        StoredRollout before = rollouts.lock(h, key).orElseThrow(() -> notFound(key));
        if (expectedPhase != null && before.rollout().currentPhase() != expectedPhase) {
            throw new PhasegateException.Conflict("rollout '" + key + "' is in phase " + before.rollout().currentPhase()
                    + ", not " + expectedPhase + ", any more; nothing was changed");
        }
        if (action == Action.RESUME && before.rollout().state() == RolloutState.ROLLED_BACK && (reason == null || reason.isBlank())) {
            throw new PhasegateException.Invalid(new Problem("reason",
                    "is required to resume a rolled-back rollout: say what was fixed"));
        }
        Transition t = PhaseStateMachine.apply(before.rollout(), action, withdrawFeatures);
        if (t instanceof Transition.Refused refused) {
            throw new PhasegateException.Conflict(refused.reason());
        }
        Transition.Allowed allowed = (Transition.Allowed) t;
        Rollout r = before.rollout();
        StoredRollout after = before.with(new Rollout(r.plan(), allowed.state(), allowed.phase(), r.enrolled(), r.waitlisted(),
                allowed.featuresWithdrawn()));
        if (allowed.phase() != r.currentPhase() || action == Action.START) {
            after = after.withPhaseStartedAt(now);
        }
        Map<String, Object> auditBefore = stateOf(before.rollout());
        after = waitlist.promote(h, after, actor, now);
        rollouts.updateState(h, after, now);
        if (allowed.phase() > r.currentPhase()) {
            // The occasion carries the time: a phase reached again after a rollback is news again.
            notifier.featuresArrived(h, r.plan(), allowed.phase(), "phase-" + allowed.phase() + "@" + now.toEpochMilli());
        }
        Map<String, Object> auditAfter = stateOf(after.rollout());
        if (reason != null) {
            auditAfter.put("reason", reason);
        }
        audit.record(h, now, actor, new AuditLog.Entry("rollout." + action.apiName(), key, key, auditBefore, auditAfter));
        // Pausing, rolling back and disabling features take features away: publish at once.
        db.markRulesChanged(h, action == Action.PAUSE || action == Action.ROLLBACK || action == Action.DISABLE_FEATURES);
        return after;
    }

    public RolloutView get(String key) {
        return db.withHandle(h -> view(h, key));
    }

    public List<RolloutView> list() {
        return db.withHandle(h -> {
            List<RolloutView> views = new ArrayList<>();
            for (StoredRollout r : rollouts.list(h)) {
                views.add(view(r, joinedPerPhase(h, r.rollout().key()), rollouts.features(h, r.rollout().key())));
            }
            return views;
        });
    }

    RolloutView view(Handle h, String key) {
        StoredRollout r = rollouts.find(h, key).orElseThrow(() -> notFound(key));
        return view(r, joinedPerPhase(h, key), rollouts.features(h, key));
    }

    private static Map<Integer, Integer> joinedPerPhase(Handle h, String key) {
        Map<Integer, Integer> joined = new HashMap<>();
        h.createQuery("SELECT joined_phase, COUNT(*) FROM enrollment WHERE rollout_key = :key AND status = 'ENROLLED' GROUP BY joined_phase")
                .bind("key", key).map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getInt(2)))
                .forEach(e -> joined.put(e.getKey(), e.getValue()));
        return joined;
    }

    private static RolloutView view(StoredRollout stored, Map<Integer, Integer> joined, Map<String, RolloutRepository.FeatureRow> features) {
        Rollout r = stored.rollout();
        Plan plan = r.plan();
        List<RolloutView.PhaseView> phases = new ArrayList<>();
        List<String> cumulative = new ArrayList<>();
        for (int n = 1; n <= plan.phaseCount(); n++) {
            var p = plan.phase(n);
            cumulative.addAll(p.features());
            phases.add(new RolloutView.PhaseView(n, p.name(), p.capacity(), p.features(), List.copyOf(cumulative), p.percentage(),
                    joined.getOrDefault(n, 0), n == r.currentPhase()));
        }
        List<RolloutView.FeatureView> featureViews = new ArrayList<>();
        plan.unlockingPhases().forEach((feature, phase) -> {
            var row = features.get(feature);
            featureViews.add(new RolloutView.FeatureView(feature, phase, row != null && row.killSwitch(), row == null ? null : row.killReason()));
        });
        return new RolloutView(r.key(), plan.name(), plan.description(), r.state().apiName(), r.currentPhase(),
                plan.phase(r.currentPhase()).name(), plan.phaseCount(), r.capacity(), r.enrolled(), r.waitlisted(),
                r.featuresWithdrawn(), stored.phaseStartedAt(), stored.createdAt(), stored.updatedAt(), phases, featureViews,
                PlanDocuments.toDocument(plan));
    }

    private void checkFeatureOwnership(Handle h, Plan plan) {
        Map<String, String> owners = rollouts.owners(h, plan.featureKeys());
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < plan.phaseCount(); i++) {
            List<String> features = plan.phases().get(i).features();
            for (int f = 0; f < features.size(); f++) {
                String owner = owners.get(features.get(f));
                if (owner != null && !owner.equals(plan.key())) {
                    problems.add(new Problem("phases[" + i + "].features[" + f + "]", "feature '" + features.get(f)
                            + "' belongs to rollout '" + owner + "'; feature keys are unique across rollouts"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PhasegateException.Conflict(problems.get(0).toString(), problems);
        }
    }

    private static Map<String, Object> stateOf(Rollout r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", r.state().apiName());
        m.put("phase", r.currentPhase());
        m.put("enrolled", r.enrolled());
        m.put("waitlisted", r.waitlisted());
        if (r.featuresWithdrawn()) {
            m.put("featuresWithdrawn", true);
        }
        return m;
    }

    public static PhasegateException.NotFound notFound(String key) {
        return new PhasegateException.NotFound("no rollout '" + key + "'");
    }
}
