package dev.phasegate.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends batches to {@code POST /api/v1/events} with the ingest token. Its own HttpClient, so a slow
 * ingest endpoint never holds a connection the rules fetch needs.
 */
final class TelemetryTransport {

    /** Error answers are read for a log line only; more than this is not worth keeping. */
    private static final int MAX_ERROR_BODY = 4_096;

    private final Endpoints servers;
    private final String token;
    private final HttpClient http;

    TelemetryTransport(PhasegateConfig config) {
        this.servers = new Endpoints(config.servers());
        this.token = config.ingestToken();
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Posts a JSON array of {@code count} events; waits at most {@code timeout} for the answer. */
    TelemetryOutcome send(byte[] jsonArray, int count, Duration timeout) {
        URI server = servers.current();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/api/v1/events"))
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", RulesTransport.SDK_NAME)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonArray))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            String body = new String(response.body(), StandardCharsets.UTF_8);
            if (status == 202 || status == 200) {
                return accepted(body, count);
            }
            if (status == 400 || status == 413 || status == 422) {
                return new TelemetryOutcome.Refused(status, body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) : body);
            }
            if (status == 401 || status == 403) {
                return new TelemetryOutcome.Unauthorized(status);
            }
            if (status == 429) {
                return new TelemetryOutcome.RateLimited(RulesTransport.retryAfter(response).orElse(null));
            }
            if (status >= 500) {
                servers.failed(server);
            }
            return new TelemetryOutcome.Failed("HTTP " + status + " from " + server);
        } catch (IOException e) {
            servers.failed(server);
            return new TelemetryOutcome.Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (" + server + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TelemetryOutcome.Failed("interrupted");
        }
    }

    /**
     * Reads the rejections from a 202 answer. An answer we cannot read still means the batch was taken:
     * count it all as sent rather than send it twice.
     */
    static TelemetryOutcome.Accepted accepted(String body, int count) {
        Set<Integer> indexes = new LinkedHashSet<>();
        List<TelemetryOutcome.Rejection> rejections = new ArrayList<>();
        try {
            if (!body.isBlank() && Json.parse(body) instanceof Map<?, ?> answer && answer.get("rejected") instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> r && r.get("index") instanceof Double d && d >= 0 && d < count && d == Math.rint(d)
                            && indexes.add(d.intValue())) {
                        rejections.add(new TelemetryOutcome.Rejection(d.intValue(), text(r.get("field")), text(r.get("detail"))));
                    }
                }
            }
        } catch (IllegalArgumentException unreadable) {
            // Keep what was read; see above.
        }
        return new TelemetryOutcome.Accepted(Set.copyOf(indexes), List.copyOf(rejections));
    }

    private static String text(Object value) {
        return value instanceof String s ? s : String.valueOf(value);
    }

    /** Aborts a request in flight (at close, once the final flush had its time). */
    void shutdownNow() {
        http.shutdownNow();
    }
}
