package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rollback runbook: ordered steps and how far features are withdrawn.
 *
 * @param steps       the steps in order
 * @param disableMode {@code REVERT_PHASE} withdraws the current phase's features only;
 *                    {@code ALL} turns every feature of the rollout off
 */
public record Runbook(List<Step> steps, DisableMode disableMode) {

    /** The earlier attempt's six steps, in its order. */
    public static final Runbook REFERENCE = new Runbook(List.of(Step.values()), DisableMode.REVERT_PHASE);

    public Runbook {
        steps = List.copyOf(steps);
        disableMode = disableMode == null ? DisableMode.REVERT_PHASE : disableMode;
    }

    public enum Step {
        PAUSE_ENROLLMENT("pause-enrollment"),
        DISABLE_FEATURES("disable-features"),
        NOTIFY_USERS("notify-users"),
        NOTIFY_CONTACTS("notify-contacts"),
        OPEN_INCIDENT("open-incident"),
        VERIFY_RECOVERY("verify-recovery");

        private final String planName;

        Step(String planName) {
            this.planName = planName;
        }

        public String planName() {
            return planName;
        }

        public static Optional<Step> byPlanName(String name) {
            return Arrays.stream(values()).filter(s -> s.planName.equals(name)).findFirst();
        }
    }

    public enum DisableMode {
        REVERT_PHASE("revert-phase"), ALL("all");

        private final String planName;

        DisableMode(String planName) {
            this.planName = planName;
        }

        public String planName() {
            return planName;
        }

        public static Optional<DisableMode> byPlanName(String name) {
            return Arrays.stream(values()).filter(m -> m.planName.equals(name)).findFirst();
        }
    }
}
