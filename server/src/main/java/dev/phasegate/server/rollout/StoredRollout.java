package dev.phasegate.server.rollout;

import dev.phasegate.core.rollout.Rollout;

import java.time.Instant;

/**
 * A rollout row: the domain value plus bookkeeping only the store needs.
 *
 * @param nextSeq        the arrival number the next enrollment gets
 * @param phaseStartedAt when the current phase began
 */
public record StoredRollout(Rollout rollout, long nextSeq, Instant phaseStartedAt, Instant createdAt, Instant updatedAt) {

    public StoredRollout with(Rollout next) {
        return new StoredRollout(next, nextSeq, phaseStartedAt, createdAt, updatedAt);
    }

    public StoredRollout withNextSeq(long seq) {
        return new StoredRollout(rollout, seq, phaseStartedAt, createdAt, updatedAt);
    }

    public StoredRollout withPhaseStartedAt(Instant at) {
        return new StoredRollout(rollout, nextSeq, at, createdAt, updatedAt);
    }
}
