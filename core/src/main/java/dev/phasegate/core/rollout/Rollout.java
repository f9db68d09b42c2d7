package dev.phasegate.core.rollout;

import dev.phasegate.core.plan.Plan;

/**
 * A rollout as stored: its plan and where it stands.
 *
 * @param plan             the plan it runs
 * @param state            its state
 * @param currentPhase     1-based number of the current phase
 * @param enrolled         beta users admitted (admission never takes it above the current phase's capacity;
 *                         after a rollback reverts a phase it may stand above it until users leave)
 * @param waitlisted       beta users waiting for a place
 * @param featuresWithdrawn true while a hard pause or a full rollback withdraws every feature
 */
public record Rollout(Plan plan, RolloutState state, int currentPhase, int enrolled, int waitlisted,
                      boolean featuresWithdrawn) {

    public String key() {
        return plan.key();
    }

    public int capacity() {
        return plan.phase(currentPhase).capacity();
    }

    /** Places free for admission now: zero unless the state admits. */
    public int freePlaces() {
        return state.admits() ? Math.max(0, capacity() - enrolled) : 0;
    }

    public boolean inLastPhase() {
        return currentPhase == plan.phaseCount();
    }
}
