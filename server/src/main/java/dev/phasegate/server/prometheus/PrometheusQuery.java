package dev.phasegate.server.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Instant PromQL queries against a Prometheus server ({@code POST /api/v1/query}), for guards that watch
 * metrics Phasegate does not collect itself. Never throws: every outcome is a {@link PromResult}.
 *
 * <pre>{@code
 * PrometheusQuery prometheus = new PrometheusQuery(URI.create("http://127.0.0.1:9090"));
 * switch (prometheus.query("sum(rate(http_requests_total{code=~\"5..\"}[1m]))", clock.instant())) {
 *     case PromResult.Value v -> ...;     // v.value()
 *     case PromResult.NoData n -> ...;    // nothing selected now
 *     case PromResult.Failure f -> ...;   // f.reason(), e.g. Prometheus's parse error
 * }
 * }</pre>
 */
public final class PrometheusQuery {

    /** Connecting on a healthy network takes milliseconds; a few seconds covers a slow DNS or a busy host. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Guard queries are small instant queries; one slower than this would delay every guard behind it. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI queryUri;
    private final Duration requestTimeout;
    private final HttpClient client;

    public PrometheusQuery(URI baseUri) {
        this(baseUri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** @param baseUri the Prometheus server, e.g. {@code http://127.0.0.1:9090} (a path prefix is kept) */
    public PrometheusQuery(URI baseUri, Duration connectTimeout, Duration requestTimeout) {
        String base = baseUri.toString();
        this.queryUri = URI.create((base.endsWith("/") ? base : base + "/") + "api/v1/query");
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** The value of {@code promql} at {@code at}, which must select one series (aggregate several with sum/max). */
    public PromResult query(String promql, Instant at) {
        if (promql == null || promql.isBlank()) {
            return new PromResult.Failure("the PromQL query is empty");
        }
        String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + seconds(at)
                // Prometheus stops evaluating when we stop waiting, instead of finishing a query nobody reads.
                + "&timeout=" + Math.max(1, requestTimeout.toMillis()) + "ms";
        HttpRequest request = HttpRequest.newBuilder(queryUri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            return new PromResult.Failure("Prometheus at " + queryUri + " is unreachable: connecting timed out");
        } catch (HttpTimeoutException e) {
            return new PromResult.Failure("Prometheus at " + queryUri + " timed out: no answer within " + requestTimeout.toMillis() + " ms");
        } catch (IOException e) {
            return new PromResult.Failure("Prometheus at " + queryUri + " is unreachable: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PromResult.Failure("interrupted while querying Prometheus at " + queryUri);
        } catch (RuntimeException e) {
            return new PromResult.Failure("cannot query Prometheus at " + queryUri + ": " + describe(e));
        }
        return interpret(response.statusCode(), response.body());
    }

    /** Reads Prometheus's JSON answer (or error) into a result. */
    static PromResult interpret(int status, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new PromResult.Failure("Prometheus answered HTTP " + status + " without its JSON body: " + excerpt(body));
        }
        if (!"success".equals(root.path("status").asText())) {
            String type = root.path("errorType").asText("");
            String error = root.path("error").asText("no error message");
            return new PromResult.Failure("Prometheus refused the query (HTTP " + status + (type.isEmpty() ? "" : ", " + type) + "): " + error);
        }
        JsonNode data = root.path("data");
        String resultType = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        return switch (resultType) {
            case "vector" -> {
                if (result.isEmpty()) {
                    yield new PromResult.NoData("the query selected no series at this time (empty vector)");
                }
                if (result.size() > 1) {
                    yield new PromResult.Failure("the query returned " + result.size()
                            + " series; aggregate it to one, e.g. with sum() or max()");
                }
                yield sample(result.get(0).path("value"));
            }
            case "scalar" -> sample(result);
            case "matrix" -> new PromResult.Failure("the query returned a range vector; reduce it to an instant value, "
                    + "e.g. with rate(...) or avg_over_time(...)");
            default -> new PromResult.Failure("the query returned a " + (resultType.isEmpty() ? "result of no type" : resultType)
                    + "; a guard needs one number");
        };
    }

    /** A {@code [<unix seconds>, "<value>"]} pair. */
    private static PromResult sample(JsonNode pair) {
        if (!pair.isArray() || pair.size() != 2) {
            return new PromResult.Failure("Prometheus answered a sample in an unexpected shape: " + excerpt(pair.toString()));
        }
        double value;
        try {
            value = Double.parseDouble(pair.get(1).asText());
        } catch (NumberFormatException e) {
            return new PromResult.Failure("Prometheus answered a value that is not a number: " + pair.get(1).asText());
        }
        if (Double.isNaN(value)) {
            return new PromResult.Failure("the query's value is NaN (often a division by zero: no traffic in the window)");
        }
        BigDecimal seconds = pair.get(0).decimalValue();
        Instant at = Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        return new PromResult.Value(value, at);
    }

    private static String seconds(Instant at) {
        return BigDecimal.valueOf(at.toEpochMilli()).movePointLeft(3).toPlainString();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getClass().getSimpleName();
        }
        return message;
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty)";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
