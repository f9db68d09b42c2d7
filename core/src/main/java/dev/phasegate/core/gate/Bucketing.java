package dev.phasegate.core.gate;

import java.nio.charset.StandardCharsets;

/**
 * Sticky percentage bucketing, the same in every SDK:
 * {@code bucket = murmur3_x86_32(utf8(featureKey + ":" + userId), seed 0) as unsigned 32-bit, mod 100}.
 * A user is in a ramp of {@code p} percent when {@code bucket < p}, so raising {@code p} never removes
 * anyone. Pinned vectors: docs/bucketing.md and {@code BucketingTest}.
 */
public final class Bucketing {

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Bucketing() {
    }

    /**
     * The user's bucket, 0–99, for a feature. Evaluating one feature for many users, keep
     * {@link #prefix(String)} instead: it hashes the feature once and allocates nothing per user.
     */
    public static int bucket(String featureKey, String userId) {
        return (int) (Integer.toUnsignedLong(hashKey(featureKey, userId)) % 100);
    }

    /** Reference form of {@link #bucket}: encode, then hash. Kept for tests and for readers porting it. */
    static int bucketByBytes(String featureKey, String userId) {
        byte[] data = (featureKey + ":" + userId).getBytes(StandardCharsets.UTF_8);
        return (int) (Integer.toUnsignedLong(murmur3x86_32(data, 0)) % 100);
    }

    /**
     * murmur3_x86_32 (seed 0) of the UTF-8 encoding of {@code featureKey + ":" + userId}, streamed: the
     * same result as encoding first, without building the string. Unpaired surrogates become '?' as in
     * {@link String#getBytes}.
     */
    static int hashKey(String featureKey, String userId) {
        return prefix(featureKey).hash(userId);
    }

    /**
     * The hash state after {@code featureKey + ":"}, computed once per feature so evaluating a user hashes
     * only the user's id. {@code prefix(f).bucket(u) == bucket(f, u)} for every f and u.
     */
    public static Prefix prefix(String featureKey) {
        String feature = String.valueOf(featureKey);
        int[] state = new int[4]; // h, k, filled, length
        feed(state, feature, true);
        return new Prefix(state[0], state[1], state[2], state[3]);
    }

    /** A feature's precomputed hash prefix; immutable. */
    public static final class Prefix {
        private final int h;
        private final int k;
        private final int filled;
        private final int length;

        private Prefix(int h, int k, int filled, int length) {
            this.h = h;
            this.k = k;
            this.filled = filled;
            this.length = length;
        }

        /** The user's bucket, 0–99, for this feature. Allocates nothing. */
        public int bucket(String userId) {
            return (int) (Integer.toUnsignedLong(hash(userId)) % 100);
        }

        /** Whether the user is inside a ramp of {@code percentage} percent (0–100). */
        public boolean inRamp(String userId, int percentage) {
            return percentage > 0 && (percentage >= 100 || bucket(userId) < percentage);
        }

        int hash(String userId) {
            String user = String.valueOf(userId);
            int n = user.length();
            int hh = h;
            int kk = k;
            int f = filled;
            int len = length;
            int i = 0;
            // Fast path for ASCII ids: one byte a char, four chars a block.
            while (i < n && f != 0) {
                char c = user.charAt(i);
                if (c >= 0x80) {
                    return slow(user);
                }
                kk |= c << (8 * f);
                f++;
                len++;
                i++;
                if (f == 4) {
                    hh = mixH(hh, kk);
                    kk = 0;
                    f = 0;
                }
            }
            for (; i + 4 <= n; i += 4) {
                char c0 = user.charAt(i);
                char c1 = user.charAt(i + 1);
                char c2 = user.charAt(i + 2);
                char c3 = user.charAt(i + 3);
                if ((c0 | c1 | c2 | c3) >= 0x80) {
                    return slow(user);
                }
                hh = mixH(hh, c0 | c1 << 8 | c2 << 16 | c3 << 24);
                len += 4;
            }
            for (; i < n; i++) {
                char c = user.charAt(i);
                if (c >= 0x80) {
                    return slow(user);
                }
                kk |= c << (8 * f);
                f++;
                len++;
            }
            if (f > 0) {
                hh ^= mixK(kk);
            }
            return fmix(hh ^ len);
        }

        private int slow(String user) {
            int[] state = {h, k, filled, length};
            feed(state, user, false);
            int hh = state[0];
            if (state[2] > 0) {
                hh ^= mixK(state[1]);
            }
            return fmix(hh ^ state[3]);
        }
    }

    /**
     * Feeds the UTF-8 bytes of {@code text} (and, with {@code separator}, a trailing ':') into a murmur3
     * state {h, k, filled, length}. Unpaired surrogates become '?' as in {@link String#getBytes}.
     */
    private static void feed(int[] state, String text, boolean separator) {
        int total = text.length() + (separator ? 1 : 0);
        for (int i = 0; i < total; i++) {
            char c = i < text.length() ? text.charAt(i) : ':';
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            int bytes;
            int count;
            if (c < 0x80) {
                bytes = c;
                count = 1;
            } else if (c < 0x800) {
                bytes = (0xc0 | c >> 6) | (0x80 | c & 0x3f) << 8;
                count = 2;
            } else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
                int cp = Character.toCodePoint(c, next);
                bytes = (0xf0 | cp >> 18) | (0x80 | cp >> 12 & 0x3f) << 8 | (0x80 | cp >> 6 & 0x3f) << 16 | (0x80 | cp & 0x3f) << 24;
                count = 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes = '?';
                count = 1;
            } else {
                bytes = (0xe0 | c >> 12) | (0x80 | c >> 6 & 0x3f) << 8 | (0x80 | c & 0x3f) << 16;
                count = 3;
            }
            for (int b = 0; b < count; b++) {
                state[1] |= (bytes >>> (8 * b) & 0xff) << (8 * state[2]);
                state[2]++;
                state[3]++;
                if (state[2] == 4) {
                    state[0] = mixH(state[0], state[1]);
                    state[1] = 0;
                    state[2] = 0;
                }
            }
        }
    }

    private static int mixH(int h, int k) {
        h ^= mixK(k);
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** Whether the user is inside a ramp of {@code percentage} percent (0–100) of a feature. */
    public static boolean inRamp(String featureKey, String userId, int percentage) {
        return percentage > 0 && (percentage >= 100 || bucket(featureKey, userId) < percentage);
    }

    /** MurmurHash3 x86 32-bit (Austin Appleby's public-domain algorithm), over {@code data}. */
    static int murmur3x86_32(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            h ^= mixK(k);
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= mixK(k);
                // fall through
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mixK(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }
}
