package dev.phasegate.server.telemetry;

import java.time.Instant;

/** The aggregate of one step of a {@link TelemetryView#series}, starting at {@code start}. */
public record TimedAggregate(Instant start, Aggregate aggregate) {
}
