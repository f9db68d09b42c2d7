package dev.phasegate.server.host;

import java.time.Instant;

/**
 * The host and this process over one sampling interval ending at {@code at}. Rates and CPU percentages are
 * averages over the interval (from counter deltas); the rest are values at {@code at}.
 *
 * @param at                   end of the interval
 * @param systemCpuPercent     the whole machine's CPU busy time, 0–100
 * @param processCpuPercent    this process's CPU time as a share of all cores, 0–100
 * @param memoryUsedPercent    physical memory not available to new processes, 0–100
 * @param memoryUsedBytes      the same in bytes
 * @param diskUsedPercent      how full the filesystem holding the data directory is, 0–100 (as {@code df})
 * @param diskFreeBytes        bytes this process may still write there
 * @param netRxBytesPerSecond  received over non-loopback interfaces
 * @param netTxBytesPerSecond  sent over non-loopback interfaces
 * @param heapUsedBytes        JVM heap in use
 * @param heapMaxBytes         JVM heap limit (committed size when the JVM has no limit)
 * @param gcPerSecond          garbage collections per second, all collectors
 * @param gcMillisPerSecond    milliseconds spent collecting per second of wall time
 * @param liveThreads          live JVM threads (platform threads; virtual threads are not counted)
 */
public record HostSample(Instant at, double systemCpuPercent, double processCpuPercent, double memoryUsedPercent,
                         long memoryUsedBytes, double diskUsedPercent, long diskFreeBytes, double netRxBytesPerSecond,
                         double netTxBytesPerSecond, long heapUsedBytes, long heapMaxBytes, double gcPerSecond,
                         double gcMillisPerSecond, int liveThreads) {
}
