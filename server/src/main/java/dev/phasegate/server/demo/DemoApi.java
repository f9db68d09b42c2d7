package dev.phasegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;
import dev.phasegate.server.http.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's HTTP client of the node: what an operator (admin token), the trading application (sdk and ingest
 * tokens) and the narrator do, all over the public API.
 */
final class DemoApi {

    /** A call that did not answer as expected: the status and the body, for the console. */
    static final class CallFailed extends RuntimeException {
        CallFailed(String message) {
            super(message);
        }
    }

    /** A rules snapshot with the ETag to ask for the next one with. */
    record Rules(RulesSnapshot snapshot, String etag) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminToken;

    DemoApi(String base, String adminToken) {
        this.base = base;
        this.adminToken = adminToken;
    }

    /** A GET with the admin token; the JSON answer. */
    JsonNode get(String path) {
        return json(send(request(path, adminToken).GET().build()), 200);
    }

    /** Creates a token of {@code kind} and returns its secret. */
    String createToken(String kind, String name) {
        return json(send(request("/api/v1/tokens", adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("kind", kind, "name", name)))).build()), 201)
                .get("secret").asText();
    }

    /** Applies a YAML plan; the answer's outcome ({@code created}, {@code updated}, {@code unchanged}). */
    String applyPlan(String rollout, String yaml) {
        HttpResponse<byte[]> r = send(request("/api/v1/rollouts/" + rollout, adminToken).header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build());
        return json(r, r.statusCode() == 201 ? 201 : 200).get("outcome").asText();
    }

    /** Enrolls a batch of beta users (admin token, as an operator would from a sign-up form). */
    JsonNode enroll(String rollout, List<TradingApp.Enrollment> users) {
        List<Map<String, String>> body = users.stream().map(u -> Map.of("userId", u.userId(), "email", u.email())).toList();
        return json(send(request("/api/v1/rollouts/" + rollout + "/enrollments", adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("users", body)))).build()), 200);
    }

    /** Sends one telemetry batch; the number of events stored. */
    int sendEvents(String ingestToken, List<Map<String, Object>> events) {
        return json(send(request("/api/v1/events", ingestToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(events))).build()), 202).get("stored").asInt();
    }

    /** The published rules, or empty when they are still those of {@code etag} (304). */
    Optional<Rules> rules(String sdkToken, String etag) {
        HttpRequest.Builder b = request("/api/v1/sdk/rules", sdkToken).header("Accept", RulesCodec.MEDIA_TYPE).GET();
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> r = send(b.build());
        if (r.statusCode() == 304) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw failed(r);
        }
        return Optional.of(new Rules(RulesCodec.decode(r.body()), r.headers().firstValue("ETag").orElse(null)));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CallFailed(request.method() + " " + request.uri().getPath() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed(request.method() + " " + request.uri().getPath() + ": interrupted");
        }
    }

    private static JsonNode json(HttpResponse<byte[]> r, int expected) {
        if (r.statusCode() != expected && !(expected == 200 && r.statusCode() == 201)) {
            throw failed(r);
        }
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new CallFailed(r.request().method() + " " + r.request().uri().getPath() + ": not JSON: " + e.getMessage());
        }
    }

    private static CallFailed failed(HttpResponse<byte[]> r) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        return new CallFailed(r.request().method() + " " + r.request().uri().getPath() + " answered " + r.statusCode() + ": "
                + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
    }
}
