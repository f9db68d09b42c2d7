package dev.phasegate.server.limit;

import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.config.Limits;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import dev.phasegate.server.user.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's limits over HTTP on a clock the test moves: 429 problem documents with Retry-After. */
class RequestLimitsHttpTest {

    private static final String PASSWORD = "a long enough password";
    private final TestClock clock = new TestClock(Instant.parse("2025-06-01T12:00:00Z"));
    private TestStore store;
    private TestServer server;

    @BeforeEach
    void start() {
        store = TestStore.h2();
        Limits limits = new Limits(new RateLimit(1, 2), new RateLimit(1, 2), new RateLimit(3, Duration.ofMinutes(1), 3),
                new RateLimit(5, Duration.ofMinutes(1), 5));
        server = TestServer.start(store.settings().withLimits(limits), clock);
        server.putJson("/api/v1/rollouts/m", TestStore.ADMIN_TOKEN, Plans.plan("m", 5));
        server.node().users().add("olga", Role.OPERATOR, PASSWORD, Actor.SYSTEM);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    private TestServer.Response ingest(String token) {
        return server.post("/api/v1/events", token, "[{\"type\":\"metric\",\"timestamp\":\"" + clock.instant()
                + "\",\"rollout\":\"m\",\"userId\":\"u1\",\"name\":\"latency\",\"value\":1}]");
    }

    private TestServer.Response login(String name, String password) {
        return server.send(server.request("/ui/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name, "password", password)))).build());
    }

    private static void assertLimited(TestServer.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(429);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.header("Retry-After")).isNotNull();
        assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
        assertThat(r.json().get("detail").asText()).contains("retry after");
    }

    @Test
    void ingest_admits_the_burst_per_token_then_answers_429_until_the_bucket_refills() {
        String ingest = server.token("ingest");
        TestServer.Response first = ingest(ingest);
        assertThat(first.status()).as(first.raw()).isEqualTo(202);
        assertThat(ingest(ingest).status()).isEqualTo(202);
        TestServer.Response limited = ingest(ingest);
        assertLimited(limited);
        assertThat(limited.header("Retry-After")).isEqualTo("1");

        assertThat(ingest(server.token("ingest")).status()).as("another token has its own bucket").isEqualTo(202);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ingest(ingest).status()).isEqualTo(202);
    }

    @Test
    void feature_evaluation_and_ofrep_share_one_bucket_per_token() {
        String sdk = server.token("sdk");
        assertThat(server.get("/api/v1/rollouts/m/users/u1/features", sdk).status()).isEqualTo(200);
        assertThat(server.post("/ofrep/v1/evaluate/flags", sdk, "{\"context\":{\"targetingKey\":\"u1\"}}").status()).isEqualTo(200);
        assertLimited(server.get("/api/v1/rollouts/m/users/u1/features", sdk));
        TestServer.Response ofrep = server.post("/ofrep/v1/evaluate/flags", sdk, "{\"context\":{\"targetingKey\":\"u1\"}}");
        assertThat(ofrep.status()).isEqualTo(429);
        assertThat(ofrep.header("Retry-After")).isEqualTo("1");

        assertThat(server.get("/api/v1/rollouts/m/users/u1/features", server.token("sdk")).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(server.get("/api/v1/rollouts/m/users/u1/features", sdk).status()).isEqualTo(200);
    }

    @Test
    void failed_sign_ins_for_one_name_are_limited_even_with_the_right_password_until_the_minute_passes() {
        for (int i = 0; i < 3; i++) {
            assertThat(login("olga", "wrong guess " + i).status()).isEqualTo(401);
        }
        TestServer.Response limited = login("olga", PASSWORD);
        assertLimited(limited);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);

        clock.advance(Duration.ofSeconds(20));
        assertThat(login("olga", PASSWORD).status()).as("one failure's worth refilled").isEqualTo(200);
    }

    @Test
    void a_successful_sign_in_clears_the_names_failures() {
        for (int round = 0; round < 2; round++) {
            assertThat(login("olga", "wrong guess a").status()).isEqualTo(401);
            assertThat(login("olga", "wrong guess b").status()).isEqualTo(401);
            assertThat(login("olga", PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void failures_over_many_names_from_one_address_are_limited() {
        for (int i = 0; i < 5; i++) {
            assertThat(login("guess" + i, "x").status()).isEqualTo(401);
        }
        assertLimited(login("someone-else", "x"));
        assertLimited(login("olga", PASSWORD));
        clock.advance(Duration.ofMinutes(1));
        assertThat(login("olga", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void behind_a_trusted_proxy_failures_count_per_forwarded_client_and_the_header_counts_for_nothing_otherwise() {
        // No trusted proxy: anyone can write X-Forwarded-For, so it changes nothing.
        for (int i = 0; i < 5; i++) {
            assertThat(login(server, "guess" + i, "203.0.113." + i).status()).isEqualTo(401);
        }
        assertLimited(login(server, "guess", "203.0.113.99"));

        Limits limits = new Limits(new RateLimit(1, 2), new RateLimit(1, 2), new RateLimit(3, Duration.ofMinutes(1), 3),
                new RateLimit(5, Duration.ofMinutes(1), 5), TrustedProxies.parse("127.0.0.0/8, ::1"));
        try (TestStore behindStore = TestStore.h2();
             TestServer behind = TestServer.start(behindStore.settings().withLimits(limits), clock)) {
            for (int i = 0; i < 5; i++) {
                assertThat(login(behind, "guess" + i, "203.0.113.9").status()).isEqualTo(401);
            }
            assertLimited(login(behind, "guess", "203.0.113.9"));
            assertThat(login(behind, "guess", "203.0.113.10").status()).as("another client behind the same proxy").isEqualTo(401);
            // A client cannot escape its count by sending a header of its own: the proxy appends the real peer.
            assertLimited(login(behind, "guess", "198.51.100.1, 203.0.113.9"));
        }
    }

    private static TestServer.Response login(TestServer node, String name, String forwardedFor) {
        return node.send(node.request("/ui/login", null).header("Content-Type", "application/json")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name, "password", "x")))).build());
    }
}
