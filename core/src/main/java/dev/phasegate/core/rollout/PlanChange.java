package dev.phasegate.core.rollout;

import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Problem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a changed plan may replace the plan of a live rollout, and what would change. The rules keep
 * the invariants: the current phase must still exist and hold the users already enrolled.
 */
public final class PlanChange {

    private PlanChange() {
    }

    /** Problems that forbid replacing {@code rollout}'s plan by {@code next}; empty if it may. */
    public static List<Problem> check(Rollout rollout, Plan next) {
        List<Problem> problems = new ArrayList<>();
        int current = rollout.currentPhase();
        if (next.phaseCount() < current) {
            problems.add(new Problem("phases", "rollout '" + rollout.key() + "' is in phase " + current
                    + "; the plan must keep at least " + current + " phases, it has " + next.phaseCount()));
            return problems;
        }
        int capacity = next.phase(current).capacity();
        if (capacity < rollout.enrolled()) {
            problems.add(new Problem("phases[" + (current - 1) + "].capacity", "is " + capacity + " but "
                    + rollout.enrolled() + " users are already enrolled in the current phase; capacity cannot go below that"));
        }
        return problems;
    }

    /** What replacing {@code before} by {@code after} changes, one line each, for dry runs and the audit log. */
    public static List<String> describe(Plan before, Plan after) {
        List<String> changes = new ArrayList<>();
        if (before == null) {
            changes.add("create rollout '" + after.key() + "' with " + after.phaseCount() + " phases and "
                    + after.featureKeys().size() + " features (starts " + after.start().name().toLowerCase(java.util.Locale.ROOT) + ")");
            return changes;
        }
        same(changes, "name", before.name(), after.name());
        same(changes, "description", before.description(), after.description());
        int phases = Math.max(before.phaseCount(), after.phaseCount());
        for (int n = 1; n <= phases; n++) {
            if (n > before.phaseCount()) {
                Phase p = after.phase(n);
                changes.add("add phase " + n + " '" + p.name() + "' (capacity " + p.capacity() + ", features " + p.features() + ")");
                continue;
            }
            if (n > after.phaseCount()) {
                changes.add("remove phase " + n + " '" + before.phase(n).name() + "'");
                continue;
            }
            Phase b = before.phase(n);
            Phase a = after.phase(n);
            String at = "phase " + n;
            same(changes, at + " name", b.name(), a.name());
            same(changes, at + " capacity", b.capacity(), a.capacity());
            same(changes, at + " percentage", b.percentage(), a.percentage());
            Set<String> added = new LinkedHashSet<>(a.features());
            added.removeAll(b.features());
            Set<String> removed = new LinkedHashSet<>(b.features());
            removed.removeAll(a.features());
            if (!added.isEmpty()) {
                changes.add(at + " features: add " + added);
            }
            if (!removed.isEmpty()) {
                changes.add(at + " features: remove " + removed);
            }
            same(changes, at + " advance criteria", b.advance(), a.advance());
        }
        same(changes, "guards", before.guards(), after.guards());
        same(changes, "runbook", before.runbook(), after.runbook());
        same(changes, "contacts", before.contacts(), after.contacts());
        same(changes, "notification templates", before.notifications(), after.notifications());
        return changes;
    }

    private static void same(List<String> changes, String what, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(what + ": " + before + " → " + after);
        }
    }
}
