package dev.phasegate.server.host;

import java.time.Instant;

/** A small builder of {@link HostReading}s with round numbers, for delta arithmetic in tests. */
final class Readings {

    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    long[] cpuTicks = {0, 0, 0, 0, 0, 0, 0, 0};
    long processCpuMillis;
    int cores = 2;
    long memoryTotal = 1000;
    long memoryAvailable = 1000;
    long diskTotal = 1000;
    long diskUnallocated = 1000;
    long diskUsable = 1000;
    long rx;
    long tx;
    long heapUsed = 10;
    long heapMax = 100;
    long gcCount;
    long gcMillis;
    int threads = 7;

    HostReading build() {
        return new HostReading(at, cpuTicks, processCpuMillis, cores, memoryTotal, memoryAvailable, diskTotal,
                diskUnallocated, diskUsable, rx, tx, heapUsed, heapMax, gcCount, gcMillis, threads);
    }
}
