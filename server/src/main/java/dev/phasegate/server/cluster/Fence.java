package dev.phasegate.server.cluster;

import org.jdbi.v3.core.Handle;

/**
 * The fencing check of a leader-only write: inside the write's transaction, {@link #check} confirms the
 * epoch this node leads with is still the current one, holding the leader row (shared) until commit, so a
 * new leader's epoch cannot be taken between the check and the commit.
 */
@FunctionalInterface
public interface Fence {

    /** No check (components used without a cluster, in tests). */
    Fence NONE = h -> 0;

    /**
     * Answers the epoch the write is made under.
     *
     * @throws Deposed when another node has taken the lead since this one did, or this node does not lead
     */
    long check(Handle h);

    /** A write refused because its node no longer leads. */
    final class Deposed extends IllegalStateException {
        public Deposed(String message) {
            super(message);
        }
    }
}
