package dev.phasegate.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.phasegate.core.plan.AdvanceCriteria;
import dev.phasegate.core.plan.Contact;
import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.plan.StartMode;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contacts' webhooks against a real HTTP server (the JDK's, on port 0): the signature verified as a receiver
 * would, the idempotency key, both payload shapes, and each way a webhook can fail.
 */
class WebhookNotificationsTest {

    private static final String SECRET = "test-webhook-secret-0123456789";
    private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");

    /** A request as the receiver saw it. */
    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private TestStore store;
    private Database db;
    private TestClock clock;
    private Outbox outbox;
    private Notifier notifier;
    private DeliveryWorker worker;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Statuses the receiver answers, in order; 0 means hang; empty means 200. */
    private final Deque<Integer> answers = new ArrayDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        store = TestStore.h2();
        db = Database.open(store.settings());
        clock = new TestClock(START);
        outbox = new Outbox(clock);
        notifier = new Notifier(outbox, null);
        Notifications settings = Notifications.DEFAULTS.withWebhook(SECRET, Duration.ofMillis(500));
        worker = DeliveryWorker.create(db, outbox, settings, SigningKey.load(db, SECRET, clock, new java.security.SecureRandom()),
                new SimpleMeterRegistry(), clock);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            Integer status;
            synchronized (answers) {
                status = answers.poll();
            }
            if (status != null && status == 0) {
                try {
                    release.await(30, TimeUnit.SECONDS); // hangs until the test ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
            }
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        receiver.stop(0);
        worker.close();
        db.close();
        store.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private Plan plan(Contact... contacts) {
        return new Plan("desk", "Trading desk v2", "", StartMode.ACTIVE,
                List.of(new Phase("pilot", 10, List.of("desk-orders"), 0, AdvanceCriteria.NONE)), List.of(), Runbook.REFERENCE,
                List.of(contacts));
    }

    private static final ContactEvent ROLLBACK = new ContactEvent("contact.rollback-started", "critical",
            "Rollback of desk started", "Guard errors is critical (3.1 % ≥ 2 %).", Map.of("guard", "errors", "value", 3.1), 17L);

    private Outbox.StoredMessage only() {
        List<Outbox.StoredMessage> all = db.withHandle(h -> outbox.list(h, new Outbox.Filter("desk", null, null, null, null, 10)));
        assertThat(all).hasSize(1);
        return db.withHandle(h -> outbox.find(h, all.get(0).id())).orElseThrow();
    }

    private static String hmac(String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void json_and_slack_webhooks_are_signed_and_carry_the_idempotency_key() throws Exception {
        Plan plan = plan(new Contact("Pager", null, url("/json"), "on-call"),
                new Contact("Chat", null, url("/slack"), "release-manager", Contact.WebhookFormat.SLACK));
        Notifier.Result result = db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-7"));
        Notifier.Result again = db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-7"));

        worker.runOnce();

        assertThat(result.queued()).isEqualTo(2);
        assertThat(again.queued()).as("the same occasion again queues nothing").isZero();
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(received).hasSize(2);
        for (Received r : received) {
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("X-Phasegate-Timestamp")).isEqualTo(String.valueOf(START.getEpochSecond()));
            assertThat(r.header("X-Phasegate-Signature")).isEqualTo(hmac(r.header("X-Phasegate-Timestamp"), r.body()));
            assertThat(r.header("Idempotency-Key")).startsWith("contact.rollback-started:desk:run-7:webhook:");
        }
        JsonNode json = received.stream().filter(r -> r.path().equals("/json")).findFirst().orElseThrow().json();
        assertThat(json.get("kind").asText()).isEqualTo("contact.rollback-started");
        assertThat(json.get("rollout").asText()).isEqualTo("desk");
        assertThat(json.get("incidentId").asLong()).isEqualTo(17);
        assertThat(json.get("subject").asText()).isEqualTo("Rollback of desk started");
        assertThat(json.get("text").asText()).isEqualTo("Guard errors is critical (3.1 % ≥ 2 %).");
        assertThat(json.get("data").get("guard").asText()).isEqualTo("errors");
        assertThat(json.get("data").get("severity").asText()).isEqualTo("critical");
        assertThat(json.get("at").asText()).isEqualTo(START.toString());
        JsonNode slack = received.stream().filter(r -> r.path().equals("/slack")).findFirst().orElseThrow().json();
        assertThat(slack.get("text").asText()).isEqualTo("Rollback of desk started");
        assertThat(slack.get("blocks").get(0).get("type").asText()).isEqualTo("section");
        assertThat(slack.get("blocks").get(0).at("/text/text").asText()).isEqualTo("*Rollback of desk started*\nGuard errors is critical (3.1 % ≥ 2 %).");
        assertThat(slack.get("blocks").get(1).get("type").asText()).isEqualTo("context");
        assertThat(slack.get("blocks").get(1).at("/elements/0/text").asText()).contains("rollout `desk`", "incident #17");
        assertThat(slack.has("kind")).isFalse();
    }

    @Test
    void a_webhook_answering_500_then_200_is_delivered_once_with_two_attempts_in_the_log() throws Exception {
        Plan plan = plan(new Contact("Pager", null, url("/flaky"), "on-call"));
        db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-8"));
        answers.add(500);

        worker.runOnce();
        Outbox.StoredMessage first = only();
        assertThat(first.status()).isEqualTo("pending");
        clock.set(first.nextAttemptAt());
        worker.runOnce();
        clock.advance(Duration.ofHours(2));
        worker.runOnce();

        Outbox.StoredMessage m = only();
        assertThat(m.status()).isEqualTo("delivered");
        assertThat(m.log()).extracting(Outbox.Attempt::outcome).containsExactly("retry", "delivered");
        assertThat(m.log().get(0).error()).isEqualTo("the webhook answered HTTP 500");
        assertThat(received).hasSize(2);
        assertThat(received.get(0).header("Idempotency-Key")).isEqualTo(received.get(1).header("Idempotency-Key"));
        assertThat(received.get(0).body()).as("the same body every attempt").isEqualTo(received.get(1).body());
        // Each attempt is signed with its own timestamp, and each signature verifies.
        assertThat(received.get(1).header("X-Phasegate-Signature")).isEqualTo(hmac(received.get(1).header("X-Phasegate-Timestamp"),
                received.get(1).body()));
    }

    @Test
    void a_hanging_webhook_times_out_and_is_retried() {
        Plan plan = plan(new Contact("Pager", null, url("/slow"), "on-call"));
        db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-9"));
        answers.add(0);

        worker.runOnce();
        Outbox.StoredMessage first = only();
        assertThat(first.status()).isEqualTo("pending");
        assertThat(first.lastError()).isEqualTo("the webhook did not answer within 500 ms (webhookTimeout)");
        clock.set(first.nextAttemptAt());
        worker.runOnce();

        assertThat(only().status()).isEqualTo("delivered");
        assertThat(only().log()).extracting(Outbox.Attempt::outcome).containsExactly("retry", "delivered");
    }

    @Test
    void a_webhook_answering_404_fails_at_once() {
        Plan plan = plan(new Contact("Pager", null, url("/gone"), "on-call"));
        db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-10"));
        answers.add(404);

        worker.runOnce();
        clock.advance(Duration.ofHours(2));
        worker.runOnce();

        Outbox.StoredMessage m = only();
        assertThat(m.status()).isEqualTo("failed");
        assertThat(m.lastError()).startsWith("the webhook answered HTTP 404");
        assertThat(m.log()).singleElement().extracting(Outbox.Attempt::outcome).isEqualTo("failed");
        assertThat(received).hasSize(1);
    }

    @Test
    void an_unreachable_webhook_is_retried_and_visible_by_incident() {
        Plan plan = plan(new Contact("Pager", null, "http://127.0.0.1:" + dev.phasegate.server.testing.TestPrometheus.freePort() + "/x",
                "on-call"));
        db.inTransaction(h -> notifier.toContacts(h, plan, ROLLBACK, "run-11"));

        worker.runOnce();

        List<Outbox.StoredMessage> forIncident = db.withHandle(h -> outbox.list(h, new Outbox.Filter(null, 17L, null, null, null, 10)));
        assertThat(forIncident).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo("pending");
            assertThat(m.lastError()).startsWith("cannot reach the webhook");
        });
    }
}
