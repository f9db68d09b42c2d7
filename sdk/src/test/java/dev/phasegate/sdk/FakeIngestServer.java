package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for {@code POST /api/v1/events} on a real HTTP server (port 0), until the server's route is
 * merged: records every request and answers as the test scripts it, else {@code 202} storing everything.
 * Also serves an empty rules snapshot so the client's rules side stays quiet.
 */
final class FakeIngestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Received(String method, String authorization, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int events() {
            return json().size();
        }
    }

    /** An answer: status, an optional Retry-After, a body. */
    record Answer(int status, String retryAfter, String contentType, String body) {
        static Answer accepted(int stored, String rejectedJson) {
            return new Answer(202, null, "application/json", "{\"stored\":" + stored + ",\"rejected\":" + rejectedJson + "}");
        }

        static Answer status(int status) {
            return new Answer(status, null, "application/problem+json",
                    "{\"type\":\"about:blank\",\"title\":\"scripted\",\"status\":" + status + ",\"errors\":[]}");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Function<Received, Answer>> script = new ConcurrentLinkedQueue<>();
    private final CountDownLatch hangRelease = new CountDownLatch(1);

    FakeIngestServer() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] rules = RulesCodec.encode(new RulesSnapshot(1, List.of()));
        http.createContext("/api/v1/sdk/rules", exchange -> answer(exchange, 200, null, "application/vnd.phasegate.rules", rules));
        http.createContext("/api/v1/sdk/heartbeat", exchange -> answer(exchange, 204, null, null, new byte[0]));
        http.createContext("/api/v1/events", exchange -> {
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(r);
            Function<Received, Answer> next = script.poll();
            Answer a = next != null ? next.apply(r) : Answer.accepted(r.events(), "[]");
            if (a == null) {
                exchange.close();
                return;
            }
            answer(exchange, a.status(), a.retryAfter(), a.contentType(), a.body().getBytes(StandardCharsets.UTF_8));
        });
        // A thread per exchange: a request held open must not block the others.
        http.setExecutor(executor);
        http.start();
    }

    private static void answer(HttpExchange exchange, int status, String retryAfter, String contentType, byte[] body) throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** The next request gets this answer (answers queue up in order). */
    FakeIngestServer then(Answer answer) {
        script.add(r -> answer);
        return this;
    }

    /** The next request waits until {@code release} opens (or the server closes), then is accepted whole. */
    FakeIngestServer thenHoldUntil(CountDownLatch release) {
        script.add(r -> {
            await(release);
            return Answer.accepted(r.events(), "[]");
        });
        return this;
    }

    /** The next request is never answered while the server runs. */
    FakeIngestServer thenHang() {
        script.add(r -> {
            await(hangRelease);
            return null;
        });
        return this;
    }

    private void await(CountDownLatch latch) {
        try {
            while (!latch.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (hangRelease.getCount() == 0) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    int requests() {
        return received.size();
    }

    /** Every event received, in order, across requests. */
    List<JsonNode> events() {
        List<JsonNode> all = new ArrayList<>();
        for (Received r : received) {
            r.json().forEach(all::add);
        }
        return all;
    }

    @Override
    public void close() {
        hangRelease.countDown();
        http.stop(0);
        executor.shutdownNow();
    }
}
