package dev.phasegate.server.host;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Recent host samples of this node, as guards read them. Answers from memory only (the last
 * {@code memoryWindow}); never blocks on I/O.
 *
 * <pre>{@code
 * view.latest().map(HostSample::systemCpuPercent).orElse(Double.NaN);
 * List<HostSample> lastFiveMinutes = view.window(now.minus(Duration.ofMinutes(5)), now);
 * }</pre>
 */
public interface HostView {

    /** The newest sample, or empty before the first interval has passed. */
    Optional<HostSample> latest();

    /** Samples with {@code from <= at <= to}, oldest first. */
    List<HostSample> window(Instant from, Instant to);
}
