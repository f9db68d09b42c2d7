package dev.phasegate.server.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HostReadingTest {

    @Test
    void system_cpu_is_busy_ticks_over_all_ticks_with_idle_and_iowait_counted_as_not_busy() {
        Readings r = new Readings();
        HostReading before = r.build();
        r.at = r.at.plusSeconds(5);
        // user 30, nice 0, system 10, idle 50, iowait 10: busy 40 of 100
        r.cpuTicks = new long[]{30, 0, 10, 50, 10, 0, 0, 0};
        HostSample s = r.build().since(before).orElseThrow();
        assertThat(s.systemCpuPercent()).isCloseTo(40.0, within(1e-9));
        assertThat(s.at()).isEqualTo(r.at);
    }

    @Test
    void process_cpu_is_a_share_of_all_cores_over_the_elapsed_time() {
        Readings r = new Readings();
        r.cores = 4;
        r.processCpuMillis = 1_000;
        HostReading before = r.build();
        r.at = r.at.plusSeconds(10);
        r.processCpuMillis = 11_000; // 10 s of CPU in 10 s on 4 cores: one core of four
        assertThat(r.build().since(before).orElseThrow().processCpuPercent()).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void network_and_gc_rates_are_counter_deltas_per_second() {
        Readings r = new Readings();
        r.rx = 1_000;
        r.tx = 500;
        r.gcCount = 10;
        r.gcMillis = 100;
        HostReading before = r.build();
        r.at = r.at.plus(Duration.ofSeconds(4));
        r.rx = 9_000;
        r.tx = 2_500;
        r.gcCount = 18;
        r.gcMillis = 300;
        HostSample s = r.build().since(before).orElseThrow();
        assertThat(s.netRxBytesPerSecond()).isCloseTo(2_000, within(1e-9));
        assertThat(s.netTxBytesPerSecond()).isCloseTo(500, within(1e-9));
        assertThat(s.gcPerSecond()).isCloseTo(2, within(1e-9));
        assertThat(s.gcMillisPerSecond()).isCloseTo(50, within(1e-9));
    }

    @Test
    void a_counter_that_goes_down_gives_a_zero_rate_not_a_negative_one() {
        Readings r = new Readings();
        r.rx = 10_000;
        r.cpuTicks = new long[]{100, 0, 0, 100, 0, 0, 0, 0};
        HostReading before = r.build();
        r.at = r.at.plusSeconds(5);
        r.rx = 4_000; // an interface went away
        r.cpuTicks = new long[]{50, 0, 0, 50, 0, 0, 0, 0};
        HostSample s = r.build().since(before).orElseThrow();
        assertThat(s.netRxBytesPerSecond()).isZero();
        assertThat(s.systemCpuPercent()).isZero();
    }

    @Test
    void memory_and_disk_are_values_at_the_end_of_the_interval() {
        Readings r = new Readings();
        HostReading before = r.build();
        r.at = r.at.plusSeconds(5);
        r.memoryTotal = 8_000;
        r.memoryAvailable = 2_000;
        r.diskTotal = 1_000;
        r.diskUnallocated = 300; // used 700
        r.diskUsable = 250;      // 50 reserved for root: df shows 700 / (700 + 250)
        HostSample s = r.build().since(before).orElseThrow();
        assertThat(s.memoryUsedPercent()).isCloseTo(75.0, within(1e-9));
        assertThat(s.memoryUsedBytes()).isEqualTo(6_000);
        assertThat(s.diskUsedPercent()).isCloseTo(100.0 * 700 / 950, within(1e-9));
        assertThat(s.diskFreeBytes()).isEqualTo(250);
        assertThat(s.heapUsedBytes()).isEqualTo(10);
        assertThat(s.heapMaxBytes()).isEqualTo(100);
        assertThat(s.liveThreads()).isEqualTo(7);
    }

    @Test
    void no_sample_when_the_clock_did_not_move_forward() {
        Readings r = new Readings();
        HostReading before = r.build();
        assertThat(r.build().since(before)).isEmpty();
        r.at = r.at.minusSeconds(1);
        assertThat(r.build().since(before)).isEmpty();
    }

    @Test
    void no_ticks_at_all_reads_as_zero_percent_rather_than_nan() {
        Readings r = new Readings();
        HostReading before = r.build();
        r.at = r.at.plusSeconds(1);
        r.memoryTotal = 0;
        HostSample s = r.build().since(before).orElseThrow();
        assertThat(s.systemCpuPercent()).isZero();
        assertThat(s.memoryUsedPercent()).isZero();
    }
}
