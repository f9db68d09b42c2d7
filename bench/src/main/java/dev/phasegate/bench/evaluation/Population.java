package dev.phasegate.bench.evaluation;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The users every SDK is asked about: the same ids in the same order in every fork, so all benchmarks see
 * the same work.
 */
final class Population {

    /** How many distinct users a benchmark cycles through: enough that no SDK can answer from a small cache. */
    static final int SIZE = 100_000;
    /** Every 100th user is enrolled in the beta, 1,000 users: a plausible beta cohort next to 100,000 users. */
    static final int ENROLLED_EVERY = 100;
    /** Fixed so the ids, and so each SDK's buckets, are the same in every run. */
    private static final long SEED = 0x5eed_2025L;

    static final Population STANDARD = new Population();

    private final String[] ids = new String[SIZE];
    private final Set<String> enrolled;

    private Population() {
        SplittableRandom random = new SplittableRandom(SEED);
        Set<String> members = new LinkedHashSet<>();
        for (int i = 0; i < SIZE; i++) {
            ids[i] = new UUID(random.nextLong(), random.nextLong()).toString();
            if (i % ENROLLED_EVERY == 0) {
                members.add(ids[i]);
            }
        }
        enrolled = Set.copyOf(members);
    }

    int size() {
        return ids.length;
    }

    String id(int index) {
        return ids[index];
    }

    /** The ids of the enrolled users, in no particular order. */
    Set<String> enrolled() {
        return enrolled;
    }
}
