package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.sdk.FakeIngestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Telemetry from the client to a scripted {@code POST /api/v1/events} on a real HTTP server (port 0):
 * the wire format, batching, the answers the contract allows, overflow, a hanging server, close.
 */
class PhasegateClientTelemetryTest {

    private static final String INGEST = "phg_ingest_test";
    private static final Instant NOW = Instant.parse("2025-05-01T12:00:00.123Z");
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final FakeIngestServer server = new FakeIngestServer();

    @AfterEach
    void stop() {
        server.close();
    }

    /** A client with telemetry on that flushes only on size or close (the interval is an hour). */
    private PhasegateConfig.Builder config() {
        return PhasegateConfig.builder(server.base(), "phg_sdk").streaming(false).pollInterval(Duration.ofMinutes(5))
                .heartbeatInterval(Duration.ofMinutes(5)).ingestToken(INGEST).telemetryFlushInterval(Duration.ofHours(1))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<Integer> values(List<JsonNode> events) {
        List<Integer> values = new ArrayList<>();
        events.forEach(e -> values.add(e.get("value").intValue()));
        return values;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private static Set<String> fields(JsonNode event) {
        Set<String> names = new java.util.TreeSet<>();
        event.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void events_are_posted_as_a_json_array_with_exactly_the_contract_fields() {
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            client.trackRequest("ann", "trading-v2", Duration.ofNanos(12_500_000), true, "/orders");
            client.trackRequest("bob", Duration.ofMillis(3), false);
            client.trackSession("ann", "trading-v2", Duration.ofMinutes(2));
            client.trackFeatureUsed("ann", "trading-v2", "ai-analysis");
            client.trackFeedback("ann", "trading-v2", 4, "fast \"and\"\nnice ✓ 𝄞");
            client.trackFeedback("bob", 2, null);
            client.trackMetric(null, "trading-v2", "order-book.depth", 17.25);
            assertThat(client.telemetryStats().queued()).isEqualTo(7);
        }
        assertThat(server.requests()).isEqualTo(1);
        FakeIngestServer.Received request = server.received().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.authorization()).isEqualTo("Bearer " + INGEST);
        assertThat(request.contentType()).isEqualTo("application/json");
        JsonNode body = request.json();
        assertThat(body.isArray()).isTrue();
        assertThat(body.size()).isEqualTo(7);
        long ts = NOW.toEpochMilli();

        Iterator<JsonNode> events = body.iterator();
        JsonNode request1 = events.next();
        assertThat(fields(request1)).containsExactly("latencyMs", "outcome", "rollout", "route", "timestamp", "type", "userId");
        assertThat(request1.get("type").asText()).isEqualTo("request");
        assertThat(request1.get("timestamp").longValue()).isEqualTo(ts);
        assertThat(request1.get("userId").asText()).isEqualTo("ann");
        assertThat(request1.get("rollout").asText()).isEqualTo("trading-v2");
        assertThat(request1.get("latencyMs").doubleValue()).isEqualTo(12.5);
        assertThat(request1.get("outcome").asText()).isEqualTo("ok");
        assertThat(request1.get("route").asText()).isEqualTo("/orders");

        JsonNode request2 = events.next();
        assertThat(fields(request2)).containsExactly("latencyMs", "outcome", "timestamp", "type", "userId");
        assertThat(request2.get("latencyMs").doubleValue()).isEqualTo(3.0);
        assertThat(request2.get("outcome").asText()).isEqualTo("error");

        JsonNode session = events.next();
        assertThat(fields(session)).containsExactly("durationMs", "rollout", "timestamp", "type", "userId");
        assertThat(session.get("type").asText()).isEqualTo("session");
        assertThat(session.get("durationMs").doubleValue()).isEqualTo(120_000.0);

        JsonNode used = events.next();
        assertThat(fields(used)).containsExactly("feature", "rollout", "timestamp", "type", "userId");
        assertThat(used.get("type").asText()).isEqualTo("feature_used");
        assertThat(used.get("feature").asText()).isEqualTo("ai-analysis");

        JsonNode feedback = events.next();
        assertThat(fields(feedback)).containsExactly("comment", "rating", "rollout", "timestamp", "type", "userId");
        assertThat(feedback.get("rating").isInt()).isTrue();
        assertThat(feedback.get("rating").intValue()).isEqualTo(4);
        assertThat(feedback.get("comment").asText()).isEqualTo("fast \"and\"\nnice ✓ 𝄞");

        JsonNode bare = events.next();
        assertThat(fields(bare)).containsExactly("rating", "timestamp", "type", "userId");

        JsonNode metric = events.next();
        assertThat(fields(metric)).containsExactly("name", "rollout", "timestamp", "type", "value");
        assertThat(metric.get("name").asText()).isEqualTo("order-book.depth");
        assertThat(metric.get("value").doubleValue()).isEqualTo(17.25);
    }

    @Test
    void waiting_events_are_flushed_on_close() {
        PhasegateClient client = PhasegateClient.start(config().build());
        for (int i = 0; i < 10; i++) {
            client.trackMetric("u" + i, "m", i);
        }
        assertThat(client.telemetryStats().queued()).isEqualTo(10); // the interval is an hour: nothing went yet
        client.close();
        assertThat(values(server.events())).isEqualTo(range(0, 10));
        assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(0, 10, 0, 0, 0, 0));
        client.trackMetric("late", "m", 1);
        assertThat(client.telemetryStats().queued()).isZero();
    }

    @Test
    void a_full_batch_goes_at_once_in_batches_of_at_most_1000() {
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            for (int i = 0; i < 2_500; i++) {
                client.trackMetric(null, "m", i);
            }
            // The interval is an hour: only the batch size can have sent these.
            await().atMost(BOUND).until(() -> client.telemetryStats().sent() >= 1_500);
            assertThat(server.received()).allSatisfy(r -> assertThat(r.events()).isBetween(1, 1_000));
        }
        assertThat(values(server.events())).isEqualTo(range(0, 2_500));
    }

    @Test
    void batches_stay_within_the_servers_one_mebibyte() {
        String comment = "é".repeat(TelemetryEvent.MAX_COMMENT_LENGTH); // 4,000 bytes of UTF-8
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            for (int i = 0; i < 1_000; i++) {
                client.trackFeedback("u" + i, 1 + i % 5, comment);
            }
        }
        List<FakeIngestServer.Received> requests = server.received();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(4);
        assertThat(requests).allSatisfy(r -> assertThat(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(Telemetry.MAX_BATCH_BYTES));
        List<JsonNode> events = server.events();
        assertThat(events).hasSize(1_000);
        assertThat(events).extracting(e -> e.get("userId").asText()).isEqualTo(IntStream.range(0, 1_000).mapToObj(i -> "u" + i).toList());
    }

    @Test
    void events_waiting_go_out_every_flush_interval() {
        try (PhasegateClient client = PhasegateClient.start(config().telemetryFlushInterval(Duration.ofMillis(100)).build())) {
            client.trackFeatureUsed("ann", "f");
            client.trackFeatureUsed("bob", "f");
            await().atMost(BOUND).until(() -> client.telemetryStats().sent() == 2);
            client.trackFeatureUsed("cid", "f");
            await().atMost(BOUND).until(() -> client.telemetryStats().sent() == 3);
            assertThat(server.requests()).isGreaterThanOrEqualTo(2);
            assertThat(client.telemetry().lastWait()).isEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    void events_the_server_rejects_in_a_202_are_counted_and_the_others_sent() {
        server.then(Answer.accepted(2, "[{\"index\":1,\"field\":\"rollout\",\"detail\":\"no rollout 'gone'\"}]"));
        try (PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(6).build())) { // the third event wakes the flusher
            client.trackFeatureUsed("ann", "shop", "f");
            client.trackFeatureUsed("bob", "gone", "f");
            client.trackFeatureUsed("cid", "shop", "f");
            await().atMost(BOUND).until(() -> client.telemetryStats().sent() == 2);
            assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(0, 2, 0, 0, 1, 0));
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void server_errors_keep_the_events_and_retry_them_until_accepted() {
        server.then(Answer.status(503)).then(Answer.status(500));
        try (PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(4).build())) { // the second event wakes the flusher
            client.trackSession("ann", Duration.ofSeconds(30));
            client.trackSession("bob", Duration.ofSeconds(40));
            await().atMost(BOUND).until(() -> client.telemetryStats().sent() == 2);
            assertThat(client.telemetryStats().failedBatches()).isEqualTo(2);
            assertThat(client.telemetryStats().queued()).isZero();
        }
        List<FakeIngestServer.Received> requests = server.received();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(FakeIngestServer.Received::json).containsOnly(requests.getFirst().json());
    }

    @Test
    void too_many_requests_waits_as_long_as_retry_after_says() {
        server.then(new Answer(429, "7", "application/problem+json", "{}"));
        try (PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(2).build())) { // one event wakes the flusher
            client.trackMetric("ann", "m", 1);
            await().atMost(BOUND).until(() -> client.telemetry().lastWait().equals(Duration.ofSeconds(7)));
            assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(1, 0, 0, 0, 0, 1));
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    @Test
    void a_batch_the_server_cannot_take_is_dropped_and_counted() {
        server.then(Answer.status(422));
        PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(4).build()); // the second event wakes the flusher
        client.trackMetric("ann", "m", 1);
        client.trackMetric("bob", "m", 2);
        await().atMost(BOUND).until(() -> client.telemetryStats().rejectedByServer() == 2);
        assertThat(client.telemetryStats().queued()).isZero();
        client.trackMetric("cid", "m", 3);
        client.close();
        assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(0, 1, 0, 0, 2, 1));
        assertThat(server.requests()).isEqualTo(2);
        assertThat(values(toList(server.received().getLast().json()))).containsExactly(3);
    }

    @Test
    void a_refused_ingest_token_pauses_telemetry_and_keeps_the_events() throws Exception {
        server.then(Answer.status(401));
        PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(2).build()); // every event would wake the flusher
        client.trackMetric("ann", "m", 1);
        await().atMost(BOUND).until(() -> client.telemetry().lastWait().equals(Telemetry.UNAUTHORIZED_HOLD));
        for (int i = 0; i < 2_000; i++) {
            client.trackMetric("ann", "m", i); // a full batch waiting does not cut the pause short
        }
        client.telemetry().awaitDueWork(BOUND);
        assertThat(server.requests()).isEqualTo(1);
        client.close(); // nor does close: the token is still refused
        assertThat(server.requests()).isEqualTo(1);
        assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(2, 0, 1_999, 0, 0, 1)); // kept, bounded
    }

    @Test
    void a_full_buffer_drops_the_oldest_events_and_counts_them() {
        CountDownLatch release = new CountDownLatch(1);
        server.thenHoldUntil(release);
        try (PhasegateClient client = PhasegateClient.start(config().telemetryBufferSize(100).build())) {
            for (int i = 0; i < 10_000; i++) {
                client.trackMetric(null, "m", i);
            }
            await().atMost(BOUND).until(() -> server.requests() == 1); // the first batch (half the buffer) hangs
            release.countDown();
            await().atMost(BOUND).until(() -> client.telemetryStats().queued() == 0);
            // The first batch is whatever waited when the flusher woke: a run [a, a + k). Everything after it
            // was squeezed into the 100 places, so only the newest of it, up to 9,999, survives.
            List<Integer> first = values(toList(server.received().getFirst().json()));
            int a = first.getFirst();
            int k = first.size();
            assertThat(first).isEqualTo(range(a, a + k));
            List<Integer> expected = new ArrayList<>(first);
            expected.addAll(range(Math.max(a + k, 9_900), 10_000));
            assertThat(values(server.events())).isEqualTo(expected);
            assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(0, expected.size(), 10_000 - expected.size(), 0, 0, 0));
        }
    }

    @Test
    void callers_never_block_while_the_server_hangs() {
        server.thenHang();
        PhasegateClient client = PhasegateClient.start(config().requestTimeout(Duration.ofMinutes(5)).telemetryBufferSize(1_000).build());
        CompletableFuture<Void> tracking = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 100_000; i++) {
                client.trackRequest("u" + (i % 100), "shop", Duration.ofMillis(i % 50), i % 7 != 0, "/orders");
            }
        });
        await().atMost(BOUND).until(tracking::isDone);
        assertThat(tracking).isCompleted();
        await().atMost(BOUND).until(() -> server.requests() == 1);
        TelemetryStats stats = client.telemetryStats();
        assertThat(stats.sent()).isZero();
        assertThat(stats.queued()).isBetween(1_000L, 1_000L + Telemetry.MAX_BATCH_EVENTS); // the buffer, plus the batch stuck in flight
        assertThat(stats.queued() + stats.droppedOverflow()).isEqualTo(100_000);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close);
        await().atMost(BOUND).until(closing::isDone);
        assertThat(closing).isCompleted();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void invalid_events_are_dropped_locally_and_counted() {
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            client.trackFeedback("ann", 7, null);
            client.trackFeedback("ann", 0, null);
            client.trackFeedback("ann", 5, "x".repeat(TelemetryEvent.MAX_COMMENT_LENGTH + 1));
            client.trackMetric("ann", "m", Double.NaN);
            client.trackMetric("ann", "m", Double.POSITIVE_INFINITY);
            client.trackMetric("ann", "Not A Key", 1);
            client.trackRequest("ann", Duration.ofMillis(-1), true);
            client.trackRequest("ann", null, true);
            client.trackSession("ann", null);
            client.trackFeatureUsed("ann", "shop", null);
            client.trackFeatureUsed("ann", "Bad Rollout", "f");
            client.trackFeatureUsed(" ann", "f");
            client.trackFeedback("ann", 5, "x".repeat(TelemetryEvent.MAX_COMMENT_LENGTH)); // the one valid event
            assertThat(client.telemetryStats().droppedInvalid()).isEqualTo(12);
            assertThat(client.telemetryStats().queued()).isEqualTo(1);
        }
        assertThat(server.events()).hasSize(1);
        assertThat(server.events().getFirst().get("comment").asText()).hasSize(TelemetryEvent.MAX_COMMENT_LENGTH);
    }

    @Test
    void telemetry_is_off_without_an_ingest_token() {
        PhasegateConfig config = PhasegateConfig.builder(server.base(), "phg_sdk").streaming(false).build();
        assertThat(config.telemetryEnabled()).isFalse();
        try (PhasegateClient client = PhasegateClient.start(config)) {
            assertThat(client.telemetry()).isNull(); // no buffer, no thread
            client.trackMetric("ann", "m", 1);
            client.trackFeedback("ann", 9, null);
            assertThat(client.telemetryStats()).isEqualTo(new TelemetryStats(0, 0, 0, 0, 0, 0));
        }
        assertThat(server.requests()).isZero();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
