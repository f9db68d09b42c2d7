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

    /** The user's bucket, 0–99, for a feature. */
    public static int bucket(String featureKey, String userId) {
        byte[] data = (featureKey + ":" + userId).getBytes(StandardCharsets.UTF_8);
        return (int) (Integer.toUnsignedLong(murmur3x86_32(data, 0)) % 100);
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
