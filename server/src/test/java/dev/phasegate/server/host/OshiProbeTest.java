package dev.phasegate.server.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The real machine through OSHI: only ranges, since the load here is whatever else is running. */
class OshiProbeTest {

    @Test
    void two_real_readings_give_percentages_within_0_and_100_and_no_negative_values(@TempDir Path dir) {
        OshiProbe probe = new OshiProbe(dir.resolve("not-created-yet"));
        Instant start = Instant.now();
        HostReading first = probe.read(start);
        HostReading second = probe.read(start.plusSeconds(1)); // timestamps are ours: rates are per stated second
        HostSample s = second.since(first).orElseThrow();

        assertThat(s.systemCpuPercent()).isBetween(0.0, 100.0);
        assertThat(s.processCpuPercent()).isBetween(0.0, 100.0);
        assertThat(s.memoryUsedPercent()).isGreaterThan(0.0).isLessThanOrEqualTo(100.0);
        assertThat(s.memoryUsedBytes()).isPositive();
        assertThat(s.diskUsedPercent()).isBetween(0.0, 100.0);
        assertThat(s.diskFreeBytes()).isNotNegative();
        assertThat(s.netRxBytesPerSecond()).isNotNegative();
        assertThat(s.netTxBytesPerSecond()).isNotNegative();
        assertThat(s.heapUsedBytes()).isPositive();
        assertThat(s.heapMaxBytes()).isGreaterThanOrEqualTo(s.heapUsedBytes());
        assertThat(s.gcPerSecond()).isNotNegative();
        assertThat(s.gcMillisPerSecond()).isNotNegative();
        assertThat(s.liveThreads()).isPositive();
        assertThat(first.cpuTicks()).hasSizeGreaterThanOrEqualTo(5);
    }
}
