package dev.phasegate.server.host;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.ToDoubleFunction;

/**
 * The sampler's latest values as gauges ({@code phasegate_host_cpu_percent}, ...) and its failures as a
 * counter. JVM heap, GC and threads are left to Micrometer's JVM binders, which report the same at scrape
 * time. A gauge reads NaN before the first sample.
 */
public final class HostMeters implements MeterBinder {

    private final HostSampler sampler;

    public HostMeters(HostSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "phasegate.host.cpu.percent", "CPU busy across the machine, 0-100", HostSample::systemCpuPercent);
        gauge(registry, "phasegate.process.cpu.percent", "CPU used by this process as a share of all cores, 0-100", HostSample::processCpuPercent);
        gauge(registry, "phasegate.host.memory.used.percent", "physical memory in use, 0-100", HostSample::memoryUsedPercent);
        gauge(registry, "phasegate.host.memory.used.bytes", "physical memory in use", s -> s.memoryUsedBytes());
        gauge(registry, "phasegate.host.disk.used.percent", "fullness of the filesystem holding the data directory, 0-100", HostSample::diskUsedPercent);
        gauge(registry, "phasegate.host.disk.free.bytes", "bytes still writable on that filesystem", s -> s.diskFreeBytes());
        gauge(registry, "phasegate.host.network.receive.bytes.per.second", "received over non-loopback interfaces", HostSample::netRxBytesPerSecond);
        gauge(registry, "phasegate.host.network.transmit.bytes.per.second", "sent over non-loopback interfaces", HostSample::netTxBytesPerSecond);
        FunctionCounter.builder("phasegate.host.sampler.failures", sampler, HostSampler::failures)
                .description("host sampler ticks that failed to read, store or purge").register(registry);
        FunctionCounter.builder("phasegate.host.samples", sampler, HostSampler::samples)
                .description("host samples taken").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<HostSample> value) {
        Gauge.builder(name, sampler, s -> s.latest().map(value::applyAsDouble).orElse(Double.NaN))
                .description(help).register(registry);
    }
}
