package dev.phasegate.server.rollout;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes changes to one rollout within this node, so concurrent requests queue here in memory
 * instead of on the database's row lock (which still guards against other nodes). Striped: rollouts
 * whose keys share a stripe also share a lock, which costs a little concurrency and no correctness.
 */
public final class RolloutLocks {

    /** Far more stripes than rollouts a team runs at once, so collisions are rare. */
    private static final int STRIPES = 64;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public RolloutLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock(true);
        }
    }

    public <T> T withLock(String rolloutKey, Supplier<T> work) {
        ReentrantLock lock = locks[Math.floorMod(rolloutKey.hashCode(), STRIPES)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
