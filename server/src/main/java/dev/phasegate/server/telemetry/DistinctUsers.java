package dev.phasegate.server.telemetry;

import java.nio.ByteBuffer;

/**
 * Distinct user ids of some events, mergeable across buckets, rows and nodes: exact while small, then a
 * HyperLogLog with 4,096 registers (lgK 12: about 1.6 % standard error).
 *
 * <p>Why not DataSketches' {@code HllSketch}: its serialization ({@code toCompactByteArray}, {@code heapify})
 * goes through datasketches-memory 3.0.2, which refuses to load on a JDK newer than 21 ("Unsupported JDK
 * Major Version"), and this project builds and runs on 25. Sketches that cannot be stored would fail every
 * flush, so this small, dependency-free one is used in memory and in the store alike.
 */
final class DistinctUsers {

    static final int LG_K = 12;
    static final int K = 1 << LG_K;
    /** Up to this many ids are kept exactly (8 bytes each, 4 kB at most, as much as the registers). */
    static final int EXACT_LIMIT = 512;
    private static final byte EXACT = 1;
    private static final byte REGISTERS = 2;

    /** Open-addressing set of hashes (0 = free; a hash of 0 is stored as 1), or null once in register mode. */
    private long[] exact = new long[16];
    private int exactCount;
    private byte[] registers;

    void add(long hash) {
        if (registers != null) {
            addToRegisters(hash);
            return;
        }
        long h = hash == 0 ? 1 : hash;
        int mask = exact.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (exact[i] != 0) {
            if (exact[i] == h) {
                return;
            }
            i = (i + 1) & mask;
        }
        exact[i] = h;
        exactCount++;
        if (exactCount > EXACT_LIMIT) {
            toRegisters();
        } else if (exactCount * 2 > exact.length) {
            grow();
        }
    }

    private void grow() {
        long[] old = exact;
        exact = new long[old.length * 2];
        exactCount = 0;
        for (long h : old) {
            if (h != 0) {
                add(h);
            }
        }
    }

    private void toRegisters() {
        registers = new byte[K];
        for (long h : exact) {
            if (h != 0) {
                addToRegisters(h);
            }
        }
        exact = null;
        exactCount = 0;
    }

    private void addToRegisters(long hash) {
        int index = (int) (hash >>> (64 - LG_K));
        // Position of the first 1 bit in the remaining 52 bits (1-based); a sentinel bit caps it at 53.
        int rank = Long.numberOfLeadingZeros((hash << LG_K) | (1L << (LG_K - 1))) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    void merge(DistinctUsers other) {
        if (other.registers == null) {
            for (long h : other.exact) {
                if (h != 0) {
                    add(h);
                }
            }
            return;
        }
        if (registers == null) {
            toRegisters();
        }
        for (int i = 0; i < K; i++) {
            if (other.registers[i] > registers[i]) {
                registers[i] = other.registers[i];
            }
        }
    }

    boolean isEmpty() {
        return registers == null && exactCount == 0;
    }

    /** The number of distinct ids: exact up to 512, then the HyperLogLog estimate with linear counting for small ranges. */
    double estimate() {
        if (registers == null) {
            return exactCount;
        }
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / K);
        double raw = alpha * K * K / sum;
        if (raw <= 2.5 * K && zeros > 0) {
            return K * Math.log((double) K / zeros);
        }
        return raw;
    }

    DistinctUsers copy() {
        DistinctUsers copy = new DistinctUsers();
        copy.merge(this);
        return copy;
    }

    byte[] toBytes() {
        if (registers != null) {
            byte[] bytes = new byte[1 + K];
            bytes[0] = REGISTERS;
            System.arraycopy(registers, 0, bytes, 1, K);
            return bytes;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + 8 * exactCount);
        buffer.put(EXACT).putInt(exactCount);
        for (long h : exact) {
            if (h != 0) {
                buffer.putLong(h);
            }
        }
        return buffer.array();
    }

    static DistinctUsers fromBytes(byte[] bytes) {
        DistinctUsers users = new DistinctUsers();
        if (bytes[0] == REGISTERS && bytes.length == 1 + K) {
            users.exact = null;
            users.registers = java.util.Arrays.copyOfRange(bytes, 1, 1 + K);
            return users;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.get() != EXACT) {
            throw new IllegalArgumentException("not a stored DistinctUsers (format " + bytes[0] + ")");
        }
        int n = buffer.getInt();
        for (int i = 0; i < n; i++) {
            users.add(buffer.getLong());
        }
        return users;
    }
}
