package dev.phasegate.sdk;

import com.sun.net.httpserver.HttpServer;
import dev.phasegate.core.gate.FeatureRule;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;
import dev.phasegate.core.rollout.RolloutState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server misbehaviour the SDK must survive, from a real HTTP server on port 0 that answers what each test
 * wants: garbage rules, 5xx, 429 with Retry-After.
 */
class PhasegateClientFaultsTest {

    /** What the fake server answers next: a status, headers and a body. */
    record Answer(int status, String retryAfter, byte[] body) {
    }

    private HttpServer http;
    private final AtomicReference<Answer> next = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/sdk/rules", exchange -> {
            requests.incrementAndGet();
            Answer a = next.get();
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            exchange.getResponseHeaders().add("ETag", "\"" + requests.get() + "\"");
            exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
            }
        });
        http.createContext("/api/v1/sdk/heartbeat", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        // A thread per exchange: a held-open stream must not block the rules requests.
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private PhasegateClient client() {
        return PhasegateClient.start(PhasegateConfig.builder(URI.create("http://127.0.0.1:" + http.getAddress().getPort()), "phg_t")
                .streaming(false).pollInterval(Duration.ofMinutes(5)).backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).build());
    }

    private static byte[] rules(long version, boolean killed) {
        return RulesCodec.encode(new RulesSnapshot(version, List.of(new RolloutRules("r", RolloutState.ACTIVE, 1, false,
                List.of(new FeatureRule("f", 1, 0, killed)), Set.of("u"), Set.of()))));
    }

    @Test
    void garbage_rules_are_ignored_and_the_last_good_ones_kept() throws Exception {
        next.set(new Answer(200, null, rules(5, false)));
        try (PhasegateClient client = client()) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            assertThat(client.isEnabled("f", "u")).isTrue();
            next.set(new Answer(200, null, "{\"not\": \"rules\"}".getBytes()));
            int before = requests.get();
            client.fetchNow();
            await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() > before);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.lastScheduledDelay().equals(Duration.ofMinutes(5)));
            assertThat(client.version()).isEqualTo(5);
            assertThat(client.isEnabled("f", "u")).isTrue();
        }
    }

    @Test
    void server_errors_back_off_and_a_success_resets_the_wait() throws Exception {
        next.set(new Answer(503, null, new byte[0]));
        try (PhasegateClient client = client()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() >= 1
                    && client.lastScheduledDelay().compareTo(Duration.ofSeconds(1)) >= 0
                    && client.lastScheduledDelay().compareTo(Duration.ofSeconds(1)) <= 0);
            assertThat(client.isReady()).isFalse();
            next.set(new Answer(200, null, rules(9, true)));
            client.fetchNow();
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            assertThat(client.evaluate("f", EvaluationContext.of("u")).reason()).isEqualTo("kill-switch");
            await().atMost(Duration.ofSeconds(5)).until(() -> client.lastScheduledDelay().equals(Duration.ofMinutes(5)));
        }
    }

    @Test
    void a_change_pushed_while_a_fetch_is_in_flight_is_fetched_right_after_it() throws Exception {
        java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        http.removeContext("/api/v1/sdk/rules");
        http.createContext("/api/v1/sdk/rules", exchange -> {
            int n = requests.incrementAndGet();
            byte[] body = rules(n, false);
            if (n == 2) {
                inFlight.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = rules(2, false);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        try (PhasegateClient client = client()) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            client.fetchNow();                 // fetch 2 starts and hangs
            assertThat(inFlight.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            client.fetchNow();                 // a change is pushed meanwhile
            release.countDown();               // fetch 2 finishes with the older rules and schedules its poll
            await().atMost(Duration.ofSeconds(5)).until(() -> client.version() == 3);
        }
    }

    @Test
    void too_many_requests_waits_as_long_as_retry_after_says() {
        next.set(new Answer(429, "7", new byte[0]));
        try (PhasegateClient client = client()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.lastScheduledDelay().equals(Duration.ofSeconds(7)));
            assertThat(requests.get()).isEqualTo(1);
        }
    }

    @Test
    void rules_from_a_restored_server_replace_newer_ones_the_client_holds() throws Exception {
        next.set(new Answer(200, null, rules(50, false)));
        try (PhasegateClient client = client()) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            assertThat(client.version()).isEqualTo(50);
            next.set(new Answer(200, null, rules(3, true)));   // the server's store was restored from a backup
            client.fetchNow();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.version() == 3);
            assertThat(client.evaluate("f", EvaluationContext.of("u")).reason()).isEqualTo("kill-switch");
        }
    }

    @Test
    void retry_after_zero_still_waits_a_second() {
        next.set(new Answer(429, "0", new byte[0]));
        try (PhasegateClient client = client()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.lastScheduledDelay().equals(Duration.ofSeconds(1)));
        }
    }

    @Test
    void a_silent_stream_is_reopened_after_the_idle_timeout() throws Exception {
        next.set(new Answer(200, null, rules(1, false)));
        AtomicInteger streams = new AtomicInteger();
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        http.createContext("/api/v1/sdk/stream", exchange -> {
            streams.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try {
                exchange.getResponseBody().write(": hello\n\n".getBytes());
                exchange.getResponseBody().flush();
                stop.await(); // then a half-open connection: nothing more, not even heartbeats
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        PhasegateConfig config = PhasegateConfig.builder(URI.create("http://127.0.0.1:" + http.getAddress().getPort()), "phg_t")
                .pollInterval(Duration.ofMinutes(5)).streamIdleTimeout(Duration.ofSeconds(1))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
        try (PhasegateClient client = PhasegateClient.start(config)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.get() >= 2);
        } finally {
            stop.countDown();
        }
    }

    @Test
    void forbidden_stops_all_requests() {
        next.set(new Answer(403, null, new byte[0]));
        try (PhasegateClient client = client()) {
            await().atMost(Duration.ofSeconds(5)).until(client::refused);
            client.fetchNow();
            assertThat(requests.get()).isEqualTo(1);
        }
    }
}
