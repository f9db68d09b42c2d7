package dev.phasegate.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestPrometheus;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Beta users' notices through a real SMTP server (GreenMail), from plan templates, over a real node. */
class EmailNotificationsTest {

    private static final String T = TestStore.ADMIN_TOKEN;

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final String PLAN = """
            rollout: desk
            name: Trading desk v2
            phases:
              - {name: pilot, capacity: 2, features: [desk-orders]}
              - {name: early, capacity: 5, features: [desk-ai, desk-charts]}
            notifications:
              templates:
                enrolled:
                  subject: "Welcome {{user}} to {{rolloutName}}"
                  body: "You are in phase {{phase}} with {{features}}. See {{link}}"
            """;

    private static Notifications smtp(int port) {
        Notifications n = Notifications.DEFAULTS.withSmtp("127.0.0.1", port);
        return new Notifications(n.smtpHost(), n.smtpPort(), "phasegate@example.com", null, null, false, null, n.webhookTimeout(),
                URI.create("https://phasegate.example.com"), n.insufficientDataGrace());
    }

    private static String text(MimeMessage m) {
        try {
            return String.valueOf(m.getContent()).replace("\r\n", "\n");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String to(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<MimeMessage> received(String subjectPrefix) {
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> subject(m).startsWith(subjectPrefix)).toList();
    }

    @Test
    void users_hear_when_enrolled_admitted_from_the_waitlist_and_when_features_arrive() {
        try (TestStore store = TestStore.h2();
             TestServer server = TestServer.start(store.settings().withNotifications(smtp(MAIL.getSmtp().getPort())))) {
            assertThat(server.put("/api/v1/rollouts/desk", T, PLAN, "application/yaml").status()).isEqualTo(201);
            assertThat(server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("users", List.of(
                    Map.of("userId", "ada", "email", "ada@example.com"),
                    Map.of("userId", "bob", "email", "bob@example.com"),
                    Map.of("userId", "no-email"),
                    Map.of("userId", "cy", "email", "cy@example.com")))).status()).isIn(200, 201);

            await().atMost(Duration.ofSeconds(30)).until(() -> received("Welcome").size() == 2);
            List<MimeMessage> welcome = received("Welcome");
            assertThat(welcome).extracting(EmailNotificationsTest::subject)
                    .containsExactlyInAnyOrder("Welcome ada to Trading desk v2", "Welcome bob to Trading desk v2");
            MimeMessage ada = welcome.stream().filter(m -> to(m).equals("ada@example.com")).findFirst().orElseThrow();
            assertThat(text(ada)).isEqualTo("You are in phase pilot with desk-orders. See https://phasegate.example.com");

            // Advancing admits cy from the waitlist (the default "admitted" template) and tells all three of the new features.
            assertThat(server.post("/api/v1/rollouts/desk/advance", T, "").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> received("A place opened up").size() == 1
                    && received("New in the").size() == 3);
            MimeMessage admitted = received("A place opened up").get(0);
            assertThat(to(admitted)).isEqualTo("cy@example.com");
            assertThat(subject(admitted)).isEqualTo("A place opened up: Trading desk v2 beta");
            assertThat(text(admitted)).contains("Hi cy,", "moved from the waitlist into the Trading desk v2 beta (phase early)",
                    "Your features: desk-orders, desk-ai, desk-charts.");
            assertThat(received("New in the")).extracting(EmailNotificationsTest::to)
                    .containsExactlyInAnyOrder("ada@example.com", "bob@example.com", "cy@example.com");
            assertThat(text(received("New in the").get(0))).contains("moved to phase early. New for you: desk-ai, desk-charts.");

            // The outbox shows each message once, delivered on the first attempt, with its log.
            JsonNode list = server.get("/api/v1/notifications?rollout=desk&kind=user.enrolled", T).json();
            assertThat(list.get("items")).hasSize(2);
            list.get("items").forEach(m -> {
                assertThat(m.get("status").asText()).isEqualTo("delivered");
                assertThat(m.get("attempts").asInt()).isEqualTo(1);
                assertThat(m.get("channel").asText()).isEqualTo("email");
            });
            JsonNode one = server.get("/api/v1/notifications/" + list.get("items").get(0).get("id").asLong(), T).json();
            assertThat(one.get("log")).hasSize(1);
            assertThat(one.get("log").get(0).get("outcome").asText()).isEqualTo("delivered");
            assertThat(server.get("/api/v1/notifications?rollout=desk&status=delivered", T).json().get("items")).hasSize(6);
            assertThat(MAIL.getReceivedMessages()).hasSize(6);
        }
    }

    @Test
    void the_message_id_comes_from_the_idempotency_key() throws Exception {
        try (TestStore store = TestStore.h2(); Database db = Database.open(store.settings())) {
            TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));
            Outbox outbox = new Outbox(clock);
            db.inTransaction(h -> outbox.enqueue(h, new OutgoingMessage("user.enrolled:desk:phase-1:ada", Channel.EMAIL,
                    "ada@example.com", null, "Hello", "Body", Map.of(), "desk", null, "user.enrolled")));
            DeliveryWorker worker = DeliveryWorker.create(db, outbox, smtp(MAIL.getSmtp().getPort()), SigningKey.load(db, null, clock,
                    new java.security.SecureRandom()), new SimpleMeterRegistry(), clock);

            worker.runOnce();

            assertThat(MAIL.getReceivedMessages()).singleElement().satisfies(m -> assertThat(m.getMessageID())
                    .isEqualTo("<" + Outbox.sha256("user.enrolled:desk:phase-1:ada").substring(0, 32) + "@phasegate>"));
        }
    }

    @Test
    void an_smtp_server_that_is_down_is_retried_and_the_email_delivered_once_it_is_up() {
        int port = TestPrometheus.freePort();
        try (TestStore store = TestStore.h2(); Database db = Database.open(store.settings())) {
            TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));
            Outbox outbox = new Outbox(clock);
            Notifier notifier = new Notifier(outbox, null);
            var plan = dev.phasegate.server.rollout.PlanDocuments.read(PLAN.getBytes(), true, null);
            db.inTransaction(h -> notifier.enrolled(h, plan, 1, List.of(new Recipient("ada", "ada@example.com"))));
            DeliveryWorker worker = DeliveryWorker.create(db, outbox, smtp(port), SigningKey.load(db, null, clock,
                    new java.security.SecureRandom()), new SimpleMeterRegistry(), clock);

            worker.runOnce();
            Outbox.StoredMessage down = db.withHandle(h -> outbox.findByKey(h, "user.enrolled:desk:phase-1:ada")).orElseThrow();
            assertThat(down.status()).isEqualTo("pending");
            assertThat(down.lastError()).startsWith("cannot reach SMTP server 127.0.0.1:" + port);

            GreenMail late = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            late.start();
            try {
                clock.set(down.nextAttemptAt());
                worker.runOnce();
                assertThat(late.getReceivedMessages()).singleElement()
                        .satisfies(m -> assertThat(m.getSubject()).isEqualTo("Welcome ada to Trading desk v2"));
            } finally {
                late.stop();
            }
            Outbox.StoredMessage up = db.withHandle(h -> outbox.findByKey(h, "user.enrolled:desk:phase-1:ada")).orElseThrow();
            assertThat(up.status()).isEqualTo("delivered");
            assertThat(up.log()).extracting(Outbox.Attempt::outcome).containsExactly("retry", "delivered");
        }
    }

    @Test
    void a_template_with_an_unknown_placeholder_is_refused_when_the_plan_is_applied() {
        try (TestStore store = TestStore.h2(); TestServer server = TestServer.start(store.settings())) {
            TestServer.Response r = server.put("/api/v1/rollouts/desk", T, PLAN.replace("{{link}}", "{{nope}}"), "application/yaml");

            assertThat(r.status()).isEqualTo(422);
            assertThat(r.contentType()).contains("application/problem+json");
            assertThat(r.json().get("problems").get(0).get("field").asText()).isEqualTo("notifications.templates.enrolled.body");
            assertThat(r.json().get("problems").get(0).get("message").asText()).contains("{{nope}}");
            TestServer.Response unknown = server.put("/api/v1/rollouts/desk", T,
                    PLAN.replace("    enrolled:", "    welcome:"), "application/yaml");
            assertThat(unknown.status()).isEqualTo(422);
            assertThat(unknown.json().get("problems").get(0).get("field").asText()).isEqualTo("notifications.templates.welcome");
            assertThat(server.get("/api/v1/rollouts/desk", T).status()).as("nothing was written").isEqualTo(404);
        }
    }

    @Test
    void the_notification_routes_refuse_bad_input_naming_the_parameter_and_show_the_signing_key_to_admins_only() {
        try (TestStore store = TestStore.h2(); TestServer server = TestServer.start(store.settings())) {
            TestServer.Response status = server.get("/api/v1/notifications?status=sent", T);
            assertThat(status.status()).isEqualTo(422);
            assertThat(status.json().get("problems").get(0).get("field").asText()).isEqualTo("status");
            assertThat(server.get("/api/v1/notifications?kind=%3Cscript%3E", T).status()).isEqualTo(422);
            assertThat(server.get("/api/v1/notifications?limit=0", T).status()).isEqualTo(422);
            assertThat(server.get("/api/v1/notifications/abc", T).status()).isEqualTo(422);
            assertThat(server.get("/api/v1/notifications/999", T).status()).isEqualTo(404);
            assertThat(server.get("/api/v1/notifications", T).json().get("items")).isEmpty();

            JsonNode key = server.get("/api/v1/notifications/signing-key", T).json();
            assertThat(key.get("secret").asText()).matches("[0-9a-f]{64}");
            assertThat(key.get("source").asText()).isEqualTo("generated and stored");
            assertThat(server.get("/api/v1/notifications/signing-key", server.token("operator")).status()).isEqualTo(403);
        }
    }

    @Test
    void templates_and_webhook_formats_round_trip_through_the_stored_plan() {
        try (TestStore store = TestStore.h2(); TestServer server = TestServer.start(store.settings())) {
            String plan = PLAN + """
                    contacts:
                      - {name: Chat, webhook: "https://hooks.example.com/x", webhookFormat: slack}
                      - {name: Ops, email: ops@example.com}
                    """;
            assertThat(server.put("/api/v1/rollouts/desk", T, plan, "application/yaml").status()).isEqualTo(201);

            JsonNode stored = server.get("/api/v1/rollouts/desk", T).json().get("plan");
            assertThat(stored.at("/notifications/templates/enrolled/subject").asText()).isEqualTo("Welcome {{user}} to {{rolloutName}}");
            assertThat(stored.at("/contacts/0/webhookFormat").asText()).isEqualTo("slack");
            assertThat(stored.at("/contacts/1/webhookFormat").isMissingNode()).isTrue();
            TestServer.Response again = server.put("/api/v1/rollouts/desk", T, plan, "application/yaml");
            assertThat(again.json().get("outcome").asText()).isEqualTo("unchanged");
            TestServer.Response bad = server.put("/api/v1/rollouts/desk", T, plan.replace("slack", "teams"), "application/yaml");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.json().get("problems").get(0).get("field").asText()).isEqualTo("contacts[0].webhookFormat");
        }
    }
}
