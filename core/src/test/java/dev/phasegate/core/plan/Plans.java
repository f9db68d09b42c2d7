package dev.phasegate.core.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Test data: the reference plan and small variations of it. Every test that needs a plan starts here, so
 * a test shows only what it changes.
 */
public final class Plans {

    public static final String KEY = "trading-engine-v2";

    private Plans() {
    }

    /**
     * The reference rollout: pilot (5), early-access (15), broad-beta (50), general (100), unlocking
     * basic-trading and portfolio-view, then ai-analysis, then advanced-strategies, then nothing new; no
     * percentage ramps; the reference guards and runbook.
     */
    public static Plan reference() {
        return plan(
                phase("pilot", 5, 0, "basic-trading", "portfolio-view"),
                phase("early-access", 15, 0, "ai-analysis"),
                phase("broad-beta", 50, 0, "advanced-strategies"),
                phase("general", 100, 0));
    }

    /** A plan with the reference key, guards and runbook, no contacts, and these phases. */
    public static Plan plan(Phase... phases) {
        return new Plan(KEY, "Trading engine v2", "", StartMode.ACTIVE, List.of(phases),
                Guard.referenceDefaults(), Runbook.REFERENCE, List.of());
    }

    public static Phase phase(String name, int capacity, int percentage, String... features) {
        return new Phase(name, capacity, List.of(features), percentage, AdvanceCriteria.NONE);
    }

    /** {@code plan} with phase {@code index} (0-based) replaced. */
    public static Plan withPhase(Plan plan, int index, Phase phase) {
        List<Phase> phases = new ArrayList<>(plan.phases());
        phases.set(index, phase);
        return withPhases(plan, phases);
    }

    public static Plan withPhases(Plan plan, List<Phase> phases) {
        return new Plan(plan.key(), plan.name(), plan.description(), plan.start(), phases, plan.guards(),
                plan.runbook(), plan.contacts());
    }

    /** {@code plan} with guard {@code index} (0-based) replaced. */
    public static Plan withGuard(Plan plan, int index, Guard guard) {
        List<Guard> guards = new ArrayList<>(plan.guards());
        guards.set(index, guard);
        return withGuards(plan, guards);
    }

    public static Plan withGuards(Plan plan, List<Guard> guards) {
        return new Plan(plan.key(), plan.name(), plan.description(), plan.start(), plan.phases(), guards,
                plan.runbook(), plan.contacts());
    }

    public static Plan withContacts(Plan plan, Contact... contacts) {
        return new Plan(plan.key(), plan.name(), plan.description(), plan.start(), plan.phases(), plan.guards(),
                plan.runbook(), List.of(contacts));
    }

    public static Plan withKey(Plan plan, String key) {
        return new Plan(key, plan.name(), plan.description(), plan.start(), plan.phases(), plan.guards(),
                plan.runbook(), plan.contacts());
    }

    public static Plan withStart(Plan plan, StartMode start) {
        return new Plan(plan.key(), plan.name(), plan.description(), start, plan.phases(), plan.guards(),
                plan.runbook(), plan.contacts());
    }
}
