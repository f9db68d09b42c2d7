package dev.phasegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The three calls the benchmark makes, over one shared HTTP/1.1 client. The JDK client keeps a pool of
 * keep-alive connections per host, so 64 threads sending one request at a time settle on 64 connections.
 */
final class EnrollmentApi implements AutoCloseable {

    /** Far above any admission latency seen here (milliseconds); a request this slow is an error, not a figure. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String authorization;

    /** What one enrollment request came to. {@code detail} is the status code or exception for errors. */
    record Outcome(Kind kind, String detail) {
        enum Kind { ENROLLED, WAITLISTED, EXISTING, ERROR }

        static final Outcome ENROLLED = new Outcome(Kind.ENROLLED, null);
        static final Outcome WAITLISTED = new Outcome(Kind.WAITLISTED, null);
        static final Outcome EXISTING = new Outcome(Kind.EXISTING, null);
    }

    /** The rollout's counters as the server reports them. */
    record Counts(int enrolled, int waitlisted) {
    }

    EnrollmentApi(int port, String adminToken) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.base = URI.create("http://127.0.0.1:" + port);
        this.authorization = "Bearer " + adminToken;
    }

    /** Creates (or replaces) a one-phase rollout of {@code capacity}, started at once, unlocking one feature of its own. */
    void putRollout(String key, int capacity) throws IOException, InterruptedException {
        ObjectNode phase = JSON.createObjectNode().put("name", "all").put("capacity", capacity);
        // Feature keys are unique across rollouts.
        phase.putArray("features").add(key + "-f1");
        ObjectNode plan = JSON.createObjectNode().put("rollout", key);
        plan.putArray("phases").add(phase);
        plan.putArray("guards");
        HttpResponse<String> response = http.send(request("/api/v1/rollouts/" + key)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(plan.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT rollout '" + key + "' answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Enrolls one user; never throws for an HTTP or I/O failure, which comes back as an ERROR outcome. */
    Outcome enroll(String rolloutKey, String userId) throws InterruptedException {
        String body = JSON.createObjectNode().put("userId", userId).toString();
        HttpResponse<String> response;
        try {
            response = http.send(request("/api/v1/rollouts/" + rolloutKey + "/enrollments")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Outcome(Outcome.Kind.ERROR, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (response.statusCode() / 100 != 2) {
            return new Outcome(Outcome.Kind.ERROR, "HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (!answer.path("created").asBoolean(false)) {
                return Outcome.EXISTING;
            }
            return switch (answer.path("status").asText("")) {
                case "enrolled" -> Outcome.ENROLLED;
                case "waitlisted" -> Outcome.WAITLISTED;
                default -> new Outcome(Outcome.Kind.ERROR, "HTTP " + response.statusCode() + " with unexpected body: " + abbreviate(response.body()));
            };
        } catch (IOException e) {
            return new Outcome(Outcome.Kind.ERROR, "HTTP " + response.statusCode() + " with unreadable body: " + abbreviate(response.body()));
        }
    }

    Counts counts(String rolloutKey) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/api/v1/rollouts/" + rolloutKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET rollout '" + rolloutKey + "' answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode rollout = JSON.readTree(response.body());
        return new Counts(rollout.path("enrolled").asInt(-1), rollout.path("waitlisted").asInt(-1));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).header("Authorization", authorization);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
