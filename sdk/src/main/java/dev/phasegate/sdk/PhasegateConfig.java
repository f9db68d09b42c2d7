package dev.phasegate.sdk;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Immutable settings of a {@link PhasegateClient}, checked when built.
 *
 * <pre>{@code
 * PhasegateConfig config = PhasegateConfig.builder(URI.create("https://phasegate.internal"), System.getenv("PHASEGATE_SDK_TOKEN"))
 *     .lastKnownGoodFile(Path.of("/var/cache/myapp/phasegate.rules"))
 *     .ingestToken(System.getenv("PHASEGATE_INGEST_TOKEN"))   // telemetry on; off without it
 *     .build();
 * }</pre>
 */
public final class PhasegateConfig {

    /** Polling runs even with streaming on, as the fallback; with ETags an unchanged poll costs a 304. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
    /** Matches the server's 90 s staleness window: three missed heartbeats and the instance is gone. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The server sends a heartbeat every 15 s: three missed mean a half-open connection. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(45);
    /** Backoff after failures grows to at most this. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    /** Telemetry is sent this often: fresh enough for guards that hold a condition for a minute or more. */
    public static final Duration DEFAULT_TELEMETRY_FLUSH_INTERVAL = Duration.ofSeconds(5);
    /** Events held while the server is slow or away: the server's largest batch, ~1.5 MB at ~150 bytes an event. */
    public static final int DEFAULT_TELEMETRY_BUFFER_SIZE = 10_000;
    /** More than this many buffered events (~150 MB) is a mistake, not a setting. */
    public static final int MAX_TELEMETRY_BUFFER_SIZE = 1_000_000;

    private final URI baseUrl;
    private final java.util.List<URI> fallbackUrls;
    private final String sdkToken;
    private final boolean streaming;
    private final Duration pollInterval;
    private final Duration heartbeatInterval;
    private final Duration requestTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration streamIdleTimeout;
    private final Path bootstrapFile;
    private final Path lastKnownGoodFile;
    private final String instanceId;
    private final String ingestToken;
    private final Duration telemetryFlushInterval;
    private final int telemetryBufferSize;
    private final Clock clock;

    private PhasegateConfig(Builder b) {
        this.baseUrl = b.baseUrl;
        this.fallbackUrls = java.util.List.copyOf(b.fallbackUrls);
        this.sdkToken = b.sdkToken;
        this.streaming = b.streaming;
        this.pollInterval = b.pollInterval;
        this.heartbeatInterval = b.heartbeatInterval;
        this.requestTimeout = b.requestTimeout;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.bootstrapFile = b.bootstrapFile;
        this.lastKnownGoodFile = b.lastKnownGoodFile;
        this.instanceId = b.instanceId;
        this.ingestToken = b.ingestToken;
        this.telemetryFlushInterval = b.telemetryFlushInterval;
        this.telemetryBufferSize = b.telemetryBufferSize;
        this.clock = b.clock;
    }

    /** A builder for the server at {@code baseUrl} with an {@code sdk} token. */
    public static Builder builder(URI baseUrl, String sdkToken) {
        return new Builder(baseUrl, sdkToken);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** Other nodes of the same cluster, tried in order when the one in use cannot be reached. */
    public java.util.List<URI> fallbackUrls() {
        return fallbackUrls;
    }

    /** The base URL first, then the fallbacks. */
    java.util.List<URI> servers() {
        java.util.List<URI> all = new java.util.ArrayList<>();
        all.add(baseUrl);
        all.addAll(fallbackUrls);
        return all;
    }

    String sdkToken() {
        return sdkToken;
    }

    public boolean streaming() {
        return streaming;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    public Path bootstrapFile() {
        return bootstrapFile;
    }

    public Path lastKnownGoodFile() {
        return lastKnownGoodFile;
    }

    public String instanceId() {
        return instanceId;
    }

    String ingestToken() {
        return ingestToken;
    }

    /** Whether tracking calls send telemetry: only with an {@link Builder#ingestToken ingest token}. */
    public boolean telemetryEnabled() {
        return ingestToken != null;
    }

    public Duration telemetryFlushInterval() {
        return telemetryFlushInterval;
    }

    public int telemetryBufferSize() {
        return telemetryBufferSize;
    }

    /** Where event timestamps come from. */
    Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        // Never the tokens.
        return "PhasegateConfig{baseUrl=" + baseUrl + ", fallbackUrls=" + fallbackUrls + ", streaming=" + streaming + ", pollInterval=" + pollInterval
                + ", bootstrapFile=" + bootstrapFile + ", lastKnownGoodFile=" + lastKnownGoodFile + ", instanceId=" + instanceId
                + ", telemetry=" + (telemetryEnabled() ? "every " + telemetryFlushInterval + ", buffer " + telemetryBufferSize : "off") + "}";
    }

    /** Builds a {@link PhasegateConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private final URI baseUrl;
        private final java.util.List<URI> fallbackUrls = new java.util.ArrayList<>();
        private final String sdkToken;
        private boolean streaming = true;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private Path bootstrapFile;
        private Path lastKnownGoodFile;
        private String instanceId = UUID.randomUUID().toString();
        private String ingestToken;
        private Duration telemetryFlushInterval = DEFAULT_TELEMETRY_FLUSH_INTERVAL;
        private int telemetryBufferSize = DEFAULT_TELEMETRY_BUFFER_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder(URI baseUrl, String sdkToken) {
            this.baseUrl = server("baseUrl", baseUrl);
            if (sdkToken == null || sdkToken.isBlank()) {
                throw new IllegalArgumentException("sdkToken is required (create one with: phasegate token create --kind sdk)");
            }
            this.sdkToken = sdkToken;
        }

        private static URI server(String name, URI url) {
            Objects.requireNonNull(url, name);
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                throw new IllegalArgumentException(name + " must be an http(s) URL with a host, was " + url);
            }
            String text = url.toString();
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        }

        /**
         * Other nodes of the same Phasegate cluster: when the server in use cannot be reached, the SDK moves
         * to the next one (and evaluates from its last snapshot meanwhile).
         * <pre>{@code builder(URI.create("https://pg-1.internal"), token).fallbackUrls(URI.create("https://pg-2.internal"))}</pre>
         */
        public Builder fallbackUrls(URI... urls) {
            for (URI url : urls) {
                fallbackUrls.add(server("fallbackUrls", url));
            }
            return this;
        }

        /** Whether to receive pushed updates over SSE (default true); polling continues as the fallback. */
        public Builder streaming(boolean on) {
            this.streaming = on;
            return this;
        }

        /** How often to poll for new rules (default 30 s, at least 1 s). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = atLeast("pollInterval", interval, Duration.ofSeconds(1));
            return this;
        }

        /** How often to report the applied rules version (default 30 s, at least 1 s). */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = atLeast("heartbeatInterval", interval, Duration.ofSeconds(1));
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = atLeast("requestTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /** First and largest wait after a failure (defaults 1 s and 60 s); waits double with jitter between them. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = atLeast("backoff initial", initial, Duration.ofMillis(10));
            this.maxBackoff = atLeast("backoff max", max, this.initialBackoff);
            return this;
        }

        /** How long the stream may stay silent (no event, no heartbeat) before it is reopened (default 45 s, at least 1 s). */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = atLeast("streamIdleTimeout", timeout, Duration.ofSeconds(1));
            return this;
        }

        /** Rules to evaluate from before the server answers (e.g. shipped with the app); read once at start. */
        public Builder bootstrapFile(Path file) {
            this.bootstrapFile = Objects.requireNonNull(file, "bootstrapFile");
            return this;
        }

        /** Where to keep the last rules received, and to start from when the server is unreachable. */
        public Builder lastKnownGoodFile(Path file) {
            this.lastKnownGoodFile = Objects.requireNonNull(file, "lastKnownGoodFile");
            return this;
        }

        /** The id this instance reports in heartbeats (default: a random UUID). */
        public Builder instanceId(String id) {
            if (id == null || !id.matches("[A-Za-z0-9._:-]{1,128}")) {
                throw new IllegalArgumentException("instanceId must be 1–128 letters, digits, '.', '_', ':' or '-', was " + id);
            }
            this.instanceId = id;
            return this;
        }

        /**
         * The token (kind {@code ingest}) that telemetry is sent with. <b>Telemetry is off unless this is
         * set</b>: the {@code track*} methods of {@link PhasegateClient} then return at once and cost
         * nothing, and no telemetry thread is started. A separate token from the SDK token, so an
         * application can read rules without being able to write telemetry, or the other way round.
         */
        public Builder ingestToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("ingestToken must not be blank (create one with: phasegate token create --kind ingest), was "
                        + (token == null ? "null" : "blank"));
            }
            this.ingestToken = token;
            return this;
        }

        /**
         * How often waiting telemetry is sent (default 5 s, at least 100 ms); a batch also goes as soon as
         * 1,000 events are waiting.
         */
        public Builder telemetryFlushInterval(Duration interval) {
            this.telemetryFlushInterval = atLeast("telemetryFlushInterval", interval, Duration.ofMillis(100));
            return this;
        }

        /**
         * How many events may wait to be sent (default 10,000, 1 to 1,000,000). When full, the oldest is
         * dropped for the newest and counted in {@link TelemetryStats#droppedOverflow()}.
         */
        public Builder telemetryBufferSize(int size) {
            if (size < 1 || size > MAX_TELEMETRY_BUFFER_SIZE) {
                throw new IllegalArgumentException("telemetryBufferSize must be between 1 and " + MAX_TELEMETRY_BUFFER_SIZE + ", was " + size);
            }
            this.telemetryBufferSize = size;
            return this;
        }

        /** The clock event timestamps are read from (default: the system clock); tests pass a fixed one. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PhasegateConfig build() {
            return new PhasegateConfig(this);
        }

        private static Duration atLeast(String name, Duration value, Duration min) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }
    }
}
