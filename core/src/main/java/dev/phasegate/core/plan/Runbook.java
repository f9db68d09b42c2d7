package dev.phasegate.core.plan;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rollback runbook: ordered steps and how far features are withdrawn.
 *
 * @param steps       the steps in order
 * @param disableMode   {@code REVERT_PHASE} withdraws the current phase's features only;
 *                      {@code ALL} turns every feature of the rollout off
 * @param verifyFor     verify-recovery: how long the breaching guard must stay below warning
 * @param verifyTimeout verify-recovery: how long to wait for that before handing the incident to a person
 */
public record Runbook(List<Step> steps, DisableMode disableMode, Duration verifyFor, Duration verifyTimeout) {

    /** Two minutes below warning: twice the default keepFiringFor, so a flapping metric does not pass. */
    public static final Duration DEFAULT_VERIFY_FOR = Duration.ofMinutes(2);
    /** A quarter of an hour: past it, recovery is not coming by itself and a person must look. */
    public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofMinutes(15);

    /** The earlier attempt's six steps, in its order. */
    public static final Runbook REFERENCE = new Runbook(List.of(Step.values()), DisableMode.REVERT_PHASE);

    public Runbook {
        steps = List.copyOf(steps);
        disableMode = disableMode == null ? DisableMode.REVERT_PHASE : disableMode;
        verifyFor = verifyFor == null ? DEFAULT_VERIFY_FOR : verifyFor;
        verifyTimeout = verifyTimeout == null ? DEFAULT_VERIFY_TIMEOUT : verifyTimeout;
    }

    public Runbook(List<Step> steps, DisableMode disableMode) {
        this(steps, disableMode, DEFAULT_VERIFY_FOR, DEFAULT_VERIFY_TIMEOUT);
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
