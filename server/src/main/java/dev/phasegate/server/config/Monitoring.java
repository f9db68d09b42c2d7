package dev.phasegate.server.config;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of telemetry, host metrics, Prometheus and guards: one immutable value inside {@link Settings}.
 *
 * @param maxFutureSkew      events stamped further ahead of the server's clock are rejected
 * @param maxEventAge        events older than this are rejected (late ones within it still count)
 * @param retention          rollups and host samples older than this are purged
 * @param memoryWindow       how much recent telemetry is held in memory for guards' sliding windows
 * @param hostSampleInterval how often host and process metrics are sampled
 * @param guardInterval      how often guards are evaluated
 * @param prometheusUrl      base URL of the Prometheus server PromQL guards query, or null for none
 * @param metricsPublic      serve {@code /metrics} without a token (for a scraper on a private network)
 */
public record Monitoring(Duration maxFutureSkew, Duration maxEventAge, Duration retention, Duration memoryWindow,
                         Duration hostSampleInterval, Duration guardInterval, URI prometheusUrl,
                         boolean metricsPublic) {

    /** Clients' clocks drift by seconds, not minutes; a minute tolerates a badly synced host. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(1);
    /** SDKs buffer and retry for minutes at most; an hour also covers a batch replayed after an outage. */
    public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofHours(1);
    /** A month of history covers a rollout's whole life and its post-mortem. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** The longest default guard window (comparison guards look at the last hour). */
    public static final Duration DEFAULT_MEMORY_WINDOW = Duration.ofHours(1);
    /** The default: host metrics every 5 s. */
    public static final Duration DEFAULT_HOST_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    /** Guards are checked every second, so a hard breach is acted on within a second of its `for`. */
    public static final Duration DEFAULT_GUARD_INTERVAL = Duration.ofSeconds(1);

    public static final Monitoring DEFAULTS = new Monitoring(DEFAULT_MAX_FUTURE_SKEW, DEFAULT_MAX_EVENT_AGE,
            DEFAULT_RETENTION, DEFAULT_MEMORY_WINDOW, DEFAULT_HOST_SAMPLE_INTERVAL, DEFAULT_GUARD_INTERVAL, null, false);

    public Monitoring withPrometheusUrl(URI url) {
        return new Monitoring(maxFutureSkew, maxEventAge, retention, memoryWindow, hostSampleInterval, guardInterval,
                url, metricsPublic);
    }

    public Monitoring withMetricsPublic(boolean open) {
        return new Monitoring(maxFutureSkew, maxEventAge, retention, memoryWindow, hostSampleInterval, guardInterval,
                prometheusUrl, open);
    }

    public Monitoring withIntervals(Duration hostSample, Duration guard) {
        return new Monitoring(maxFutureSkew, maxEventAge, retention, memoryWindow, hostSample, guard, prometheusUrl,
                metricsPublic);
    }
}
