package dev.phasegate.server.host;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Raw counters and gauges read at one instant. Two readings make a {@link HostSample}: CPU, network and GC
 * are cumulative counters whose meaning is in their difference.
 *
 * @param cpuTicks            the machine's CPU ticks per state, cumulative (OSHI's order: user, nice, system,
 *                            idle, iowait, irq, softirq, steal)
 * @param processCpuMillis    this process's user + kernel CPU time, cumulative
 * @param logicalProcessors   cores the process CPU time is shared over
 * @param netRxBytes          received over non-loopback interfaces, cumulative
 * @param netTxBytes          sent over non-loopback interfaces, cumulative
 * @param gcCount             collections so far, all collectors
 * @param gcMillis            time collecting so far, all collectors
 */
record HostReading(Instant at, long[] cpuTicks, long processCpuMillis, int logicalProcessors, long memoryTotalBytes,
                   long memoryAvailableBytes, long diskTotalBytes, long diskUnallocatedBytes, long diskUsableBytes,
                   long netRxBytes, long netTxBytes, long heapUsedBytes, long heapMaxBytes, long gcCount,
                   long gcMillis, int liveThreads) {

    /** Index of idle and iowait in OSHI's {@code CentralProcessor.TickType} order: time the CPU was not busy. */
    static final int IDLE = 3;
    static final int IOWAIT = 4;

    HostReading {
        cpuTicks = cpuTicks.clone();
    }

    /**
     * The sample for the interval from {@code prior} to this reading, or empty when no time has passed
     * between them (the clock stood still or jumped backwards: rates would be meaningless).
     */
    Optional<HostSample> since(HostReading prior) {
        long elapsedMillis = Duration.between(prior.at, at).toMillis();
        if (elapsedMillis <= 0) {
            return Optional.empty();
        }
        double seconds = elapsedMillis / 1000.0;
        return Optional.of(new HostSample(at,
                systemCpuPercent(prior.cpuTicks, cpuTicks),
                percent(delta(prior.processCpuMillis, processCpuMillis), elapsedMillis * (double) Math.max(1, logicalProcessors)),
                percent(memoryTotalBytes - memoryAvailableBytes, memoryTotalBytes),
                Math.max(0, memoryTotalBytes - memoryAvailableBytes),
                diskUsedPercent(),
                Math.max(0, diskUsableBytes),
                delta(prior.netRxBytes, netRxBytes) / seconds,
                delta(prior.netTxBytes, netTxBytes) / seconds,
                heapUsedBytes,
                heapMaxBytes,
                delta(prior.gcCount, gcCount) / seconds,
                delta(prior.gcMillis, gcMillis) / seconds,
                liveThreads));
    }

    static double systemCpuPercent(long[] before, long[] after) {
        long total = 0;
        long idle = 0;
        for (int i = 0; i < Math.min(before.length, after.length); i++) {
            long d = delta(before[i], after[i]);
            total += d;
            if (i == IDLE || i == IOWAIT) {
                idle += d;
            }
        }
        return percent(total - idle, total);
    }

    /** As {@code df}: used over what users can reach (used + available), so root's reserve does not count. */
    private double diskUsedPercent() {
        long used = diskTotalBytes - diskUnallocatedBytes;
        return percent(used, used + diskUsableBytes);
    }

    /**
     * A counter's increase; 0 when it went down (an interface vanished, a counter wrapped or was reset),
     * since a negative rate would be read as a real value.
     */
    static long delta(long before, long after) {
        return Math.max(0, after - before);
    }

    /** {@code part / whole} as a percentage within 0–100; 0 when the whole is unknown. */
    static double percent(double part, double whole) {
        if (!(whole > 0) || part <= 0) {
            return 0;
        }
        return Math.min(100, 100 * part / whole);
    }
}
