package dev.phasegate.core.enrollment;

import dev.phasegate.core.rollout.Rollout;

/**
 * The admission policy, applied to users one at a time in arrival order while the rollout is locked.
 * A newcomer gets a place only if the rollout admits, a place is free, and nobody waits before them
 * (first come, first served).
 */
public final class Admission {

    private Admission() {
    }

    /** Whether the next newcomer is admitted, given counts as they stand (including earlier users of the same batch). */
    public static boolean admitsNewcomer(Rollout rollout, int enrolled, int waitlisted) {
        return rollout.state().admits() && waitlisted == 0 && enrolled < rollout.capacity();
    }

    /** How many waitlisted users to promote now, first in line first. */
    public static int promotions(Rollout rollout) {
        return Math.min(rollout.freePlaces(), rollout.waitlisted());
    }
}
