package dev.phasegate.server.telemetry;

/** A custom metric's values in a window: how many, their sum, smallest and largest. */
public record MetricStat(long count, double sum, double min, double max) {

    /** The mean value, NaN when there is none. */
    public double average() {
        return count == 0 ? Double.NaN : sum / count;
    }

    MetricStat plus(MetricStat other) {
        return new MetricStat(count + other.count, sum + other.sum, Math.min(min, other.min), Math.max(max, other.max));
    }
}
