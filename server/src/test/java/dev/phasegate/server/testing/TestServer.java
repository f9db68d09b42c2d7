package dev.phasegate.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.Phasegate;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.http.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A real Phasegate node on a free port, and an HTTP client for it. */
public final class TestServer implements AutoCloseable {

    /** A response: status, content type and body (parsed when JSON). */
    public record Response(int status, String contentType, String raw, JsonNode json, HttpResponse<String> http) {
        public String header(String name) {
            return http.headers().firstValue(name).orElse(null);
        }
    }

    private final Phasegate node;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private TestServer(Phasegate node) {
        this.node = node;
        this.base = "http://127.0.0.1:" + node.port();
    }

    public static TestServer start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** A server whose every component reads {@code clock} (e.g. a {@link TestClock} the test moves). */
    public static TestServer start(Settings settings, Clock clock) {
        return new TestServer(Phasegate.start(settings, clock, new PrintStream(new ByteArrayOutputStream())));
    }

    /**
     * Waits (bounded) until the published rules, which attribute telemetry to beta or control and answer
     * SDKs, know {@code users} as enrolled in {@code rollout}: the rules are rebuilt in the background.
     */
    public void awaitEnrolled(String rollout, java.util.Collection<String> users) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                node.rules().current().snapshot().rollouts().stream().filter(r -> r.key().equals(rollout))
                        .anyMatch(r -> users.stream().allMatch(u -> r.membership(u) == dev.phasegate.core.gate.Membership.ENROLLED)));
    }

    public String base() {
        return base;
    }

    public Phasegate node() {
        return node;
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public Response send(HttpRequest request) {
        try {
            return wrap(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<Response> sendAsync(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(TestServer::wrap);
    }

    private static Response wrap(HttpResponse<String> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode json = null;
        if (type.contains("json") && !r.body().isEmpty()) {
            try {
                json = Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new AssertionError("invalid JSON from server: " + r.body(), e);
            }
        }
        return new Response(r.statusCode(), type, r.body(), json, r);
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public Response post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response put(String path, String token, String body, String contentType) {
        return send(request(path, token).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Response putJson(String path, String token, Object body) {
        return put(path, token, Json.write(body), "application/json");
    }

    public Response postJson(String path, String token, Object body) {
        return post(path, token, Json.write(body));
    }

    /** Creates a token of a kind with the admin token and returns its secret. */
    public String token(String kind) {
        Response r = post("/api/v1/tokens", TestStore.ADMIN_TOKEN, "{\"kind\":\"" + kind + "\",\"name\":\"test " + kind + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("cannot create a " + kind + " token: " + r.raw());
        }
        return r.json().get("secret").asText();
    }

    @Override
    public void close() {
        node.close();
    }
}
