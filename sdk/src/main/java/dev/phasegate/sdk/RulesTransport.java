package dev.phasegate.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/** The SDK's HTTP: rules with ETag, the SSE stream, heartbeats. Only the JDK's HttpClient. */
final class RulesTransport {

    static final String RULES_MEDIA_TYPE = "application/vnd.phasegate.rules";
    static final String SDK_NAME = "phasegate-java/0.1.0";
    /** A snapshot larger than this is refused as garbage: 100,000 users take well under 1 MB. */
    static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

    private final PhasegateConfig config;
    private final Endpoints servers;
    private final HttpClient http;

    RulesTransport(PhasegateConfig config) {
        this.config = config;
        this.servers = new Endpoints(config.servers());
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The server in use now (the base URL, or a fallback after it failed). */
    URI server() {
        return servers.current();
    }

    private HttpRequest.Builder request(URI server, String path) {
        return HttpRequest.newBuilder(URI.create(server + path))
                .header("Authorization", "Bearer " + config.sdkToken())
                .header("User-Agent", SDK_NAME);
    }

    FetchOutcome fetch(String etag) {
        // gzip: ids of enrolled users compress well (100,000 sequential ids: 300 kB -> 3 kB).
        URI server = servers.current();
        HttpRequest.Builder b = request(server, "/api/v1/sdk/rules").header("Accept", RULES_MEDIA_TYPE)
                .header("Accept-Encoding", "gzip").timeout(config.requestTimeout()).GET();
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        try {
            HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            boolean gzip = response.headers().firstValue("Content-Encoding").map(e -> e.equalsIgnoreCase("gzip")).orElse(false);
            try (InputStream raw = response.body(); InputStream body = gzip ? new java.util.zip.GZIPInputStream(raw) : raw) {
                if (status == 200) {
                    byte[] bytes = body.readNBytes(MAX_SNAPSHOT_BYTES + 1);
                    if (bytes.length > MAX_SNAPSHOT_BYTES) {
                        return new FetchOutcome.Failed("snapshot larger than " + MAX_SNAPSHOT_BYTES + " bytes");
                    }
                    return new FetchOutcome.Changed(bytes, response.headers().firstValue("ETag").orElse(null));
                }
                if (status == 304) {
                    return new FetchOutcome.NotModified();
                }
                if (status == 401 || status == 403) {
                    return new FetchOutcome.Refused(status);
                }
                if (status == 429) {
                    return new FetchOutcome.RateLimited(retryAfter(response).orElse(Duration.ofSeconds(1)));
                }
                if (status >= 500) {
                    servers.failed(server);
                }
                return new FetchOutcome.Failed("HTTP " + status + " from " + server);
            }
        } catch (IOException e) {
            servers.failed(server);
            return new FetchOutcome.Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (" + server + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FetchOutcome.Failed("interrupted");
        }
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                // At least a second: "Retry-After: 0" must not turn into a tight loop.
                return Optional.of(Duration.ofSeconds(Math.max(1, Long.parseLong(v.strip()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** Reports the applied version; failures are ignored (the next heartbeat will do). */
    void heartbeat(long version) {
        String body = "{\"instanceId\":\"" + config.instanceId() + "\",\"sdk\":\"" + SDK_NAME + "\",\"version\":" + version + "}";
        HttpRequest request = request(servers.current(), "/api/v1/sdk/heartbeat").header("Content-Type", "application/json")
                .timeout(config.requestTimeout()).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    }

    /**
     * Follows the SSE stream until it ends or fails, calling {@code onVersion} for every {@code rules}
     * event. Blocks the calling thread; returns the HTTP status when the stream could not be opened
     * (0 for a network error), or 200 when an open stream ended.
     */
    int follow(long lastVersion, LongConsumer onVersion, StreamHandle handle) {
        // The timeout bounds the wait for the response headers only; once they arrive the body streams on.
        URI server = servers.current();
        HttpRequest.Builder b = request(server, "/api/v1/sdk/stream").header("Accept", "text/event-stream")
                .timeout(config.requestTimeout()).GET();
        if (lastVersion > 0) {
            b.header("Last-Event-ID", Long.toString(lastVersion));
        }
        try {
            HttpResponse<Stream<String>> response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                response.body().close();
                if (response.statusCode() >= 500) {
                    servers.failed(server);
                }
                return response.statusCode();
            }
            try (Stream<String> lines = response.body()) {
                handle.attach(lines);
                handle.touch();
                SseParser parser = new SseParser((event, data, id) -> {
                    if ("rules".equals(event)) {
                        long version = SseParser.versionOf(data, id);
                        if (version >= 0) {
                            onVersion.accept(version);
                        }
                    }
                });
                lines.forEach(line -> {
                    handle.touch();
                    parser.line(line);
                });
            }
            return 200;
        } catch (IOException | RuntimeException e) {
            if (!handle.closedOnPurpose()) {
                servers.failed(server);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Lets another thread close an open stream: for good ({@link #close}), or just this connection when it
     * has gone quiet ({@link #abortIfIdle}), after which the stream thread reconnects.
     */
    static final class StreamHandle {
        private Stream<String> lines;
        private boolean closed;
        private volatile long lastLineNanos = System.nanoTime();

        synchronized void attach(Stream<String> stream) {
            if (closed) {
                stream.close();
            }
            this.lines = stream;
        }

        void touch() {
            lastLineNanos = System.nanoTime();
        }

        /** Closes the current connection if nothing arrived for {@code idle}: a half-open connection. */
        synchronized boolean abortIfIdle(Duration idle) {
            if (lines != null && System.nanoTime() - lastLineNanos > idle.toNanos()) {
                lines.close();
                lines = null;
                return true;
            }
            return false;
        }

        /** The client closed the stream (as opposed to the server or the network ending it). */
        synchronized boolean closedOnPurpose() {
            return closed;
        }

        synchronized void close() {
            closed = true;
            if (lines != null) {
                lines.close();
            }
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
