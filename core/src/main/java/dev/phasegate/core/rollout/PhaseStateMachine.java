package dev.phasegate.core.rollout;

/**
 * Every allowed transition of a rollout, in one place:
 *
 * <pre>
 *   draft ──start──▶ active ──advance──▶ active (next phase) ──complete (last phase)──▶ completed
 *                    active ──pause──▶ paused ──resume──▶ active
 *          active │ paused ──rollback──▶ rolling_back ──disable-features──▶ rolling_back (reverted)
 *                                        rolling_back ──finish-rollback──▶ rolled_back ──resume──▶ active
 * </pre>
 *
 * A rollback keeps serving the current phase's features until the runbook's {@code disable-features}
 * step: it reverts to the previous phase (the current phase's features are withdrawn, users stay
 * enrolled) or, for a full rollback or from the first phase, withdraws every feature. Resuming restarts
 * from the phase reverted to; admission stays closed while the enrolled outnumber its capacity.
 *
 * Anything else is refused with the reason and the actions the current state allows.
 */
public final class PhaseStateMachine {

    private PhaseStateMachine() {
    }

    /**
     * @param rollout          the rollout as it stands
     * @param action           what is asked
     * @param withdrawFeatures for {@link Action#PAUSE}: a hard pause that withdraws features; for
     *                         {@link Action#DISABLE_FEATURES}: a full rollback rather than a revert
     */
    public static Transition apply(Rollout rollout, Action action, boolean withdrawFeatures) {
        RolloutState state = rollout.state();
        int phase = rollout.currentPhase();
        return switch (action) {
            case START -> state == RolloutState.DRAFT
                    ? new Transition.Allowed(RolloutState.ACTIVE, phase, false)
                    : refuse(rollout, action);
            case ADVANCE -> {
                if (state != RolloutState.ACTIVE) {
                    yield refuse(rollout, action);
                }
                if (rollout.inLastPhase()) {
                    yield new Transition.Refused("rollout '" + rollout.key() + "' is in its last phase (" + phase
                            + " of " + rollout.plan().phaseCount() + "); complete it instead");
                }
                yield new Transition.Allowed(RolloutState.ACTIVE, phase + 1, false);
            }
            case PAUSE -> state == RolloutState.ACTIVE
                    ? new Transition.Allowed(RolloutState.PAUSED, phase, withdrawFeatures)
                    : refuse(rollout, action);
            case RESUME -> state == RolloutState.PAUSED || state == RolloutState.ROLLED_BACK
                    ? new Transition.Allowed(RolloutState.ACTIVE, phase, false)
                    : refuse(rollout, action);
            case COMPLETE -> {
                if (state != RolloutState.ACTIVE) {
                    yield refuse(rollout, action);
                }
                if (!rollout.inLastPhase()) {
                    yield new Transition.Refused("rollout '" + rollout.key() + "' is in phase " + phase + " of "
                            + rollout.plan().phaseCount() + "; only the last phase can be completed");
                }
                yield new Transition.Allowed(RolloutState.COMPLETED, phase, false);
            }
            case ROLLBACK -> state == RolloutState.ACTIVE || state == RolloutState.PAUSED
                    ? new Transition.Allowed(RolloutState.ROLLING_BACK, phase, false)
                    : refuse(rollout, action);
            case DISABLE_FEATURES -> {
                if (state != RolloutState.ROLLING_BACK) {
                    yield refuse(rollout, action);
                }
                if (withdrawFeatures || rollout.featuresWithdrawn() || phase == 1) {
                    yield new Transition.Allowed(RolloutState.ROLLING_BACK, phase, true);
                }
                yield new Transition.Allowed(RolloutState.ROLLING_BACK, phase - 1, false);
            }
            case FINISH_ROLLBACK -> state == RolloutState.ROLLING_BACK
                    ? new Transition.Allowed(RolloutState.ROLLED_BACK, phase, false)
                    : refuse(rollout, action);
        };
    }

    private static Transition refuse(Rollout rollout, Action action) {
        return new Transition.Refused("cannot " + action.apiName() + " rollout '" + rollout.key() + "' while it is "
                + rollout.state().apiName() + "; allowed now: " + allowedFrom(rollout.state()));
    }

    /** The actions a person may ask for in {@code state}, for error messages and UIs. */
    public static String allowedFrom(RolloutState state) {
        return switch (state) {
            case DRAFT -> "start";
            case ACTIVE -> "advance, complete (in the last phase), pause, rollback";
            case PAUSED -> "resume, rollback";
            case ROLLING_BACK -> "nothing until the rollback finishes";
            case ROLLED_BACK -> "resume";
            case COMPLETED -> "nothing; the rollout is complete";
        };
    }
}
