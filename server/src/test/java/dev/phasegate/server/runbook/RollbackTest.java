package dev.phasegate.server.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollbacks end to end on a real node: the guardian rolls back on a critical breach and the runbook reverts
 * the phase, tells users and contacts (real SMTP, a real webhook receiver), opens an incident and verifies
 * recovery; a person's rollback joins a running one; the watchdog withdraws features when a run is stuck;
 * resume needs a reason.
 */
class RollbackTest {

    private static final String T = TestStore.ADMIN_TOKEN;

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private TestStore store;
    private TestServer server;
    private HttpServer webhook;
    private final List<String> hooks = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private void start(java.time.Clock clock, Monitoring monitoring) throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        store = TestStore.h2();
        Notifications n = Notifications.DEFAULTS.withSmtp("127.0.0.1", MAIL.getSmtp().getPort());
        Notifications smtp = new Notifications(n.smtpHost(), n.smtpPort(), "phasegate@example.com", null, null, false, null,
                n.webhookTimeout(), null, n.insufficientDataGrace());
        server = TestServer.start(store.settings().withMonitoring(monitoring).withNotifications(smtp), clock);
    }

    private String plan(String steps, String verify) {
        return """
                rollout: desk
                name: Trading desk v2
                phases:
                  - {name: pilot, capacity: 20, features: [desk-orders]}
                  - {name: wide, capacity: 50, features: [desk-ai]}
                guards:
                  - {name: errors, metric: error-rate, warning: 1, critical: 2, for: 0s, keepFiringFor: 1s, window: 10s}
                runbook: {steps: %s, %s}
                contacts:
                  - {name: On-call, email: oncall@example.com, webhook: "http://127.0.0.1:%d/hook", role: on-call}
                """.formatted(steps, verify, webhook.getAddress().getPort());
    }

    private void enrollAndAdvance(int users) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            list.add(Map.of("userId", "b" + i, "email", "b" + i + "@example.com"));
        }
        assertThat(server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("users", list)).status()).isIn(200, 201);
        assertThat(server.postJson("/api/v1/rollouts/desk/advance", T, Map.of("reason", "pilot healthy")).status()).isEqualTo(200);
        server.awaitEnrolled("desk", IntStream.range(0, users).mapToObj(i -> "b" + i).toList());
    }

    private void traffic(String ingest, Instant at, int requests, int errors, int users) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Map<String, Object> e = new HashMap<>();
            e.put("type", "request");
            e.put("timestamp", at.toEpochMilli());
            e.put("userId", "b" + (i % users));
            e.put("rollout", "desk");
            e.put("latencyMs", 30);
            e.put("outcome", i < errors ? "error" : "ok");
            events.add(e);
        }
        assertThat(server.postJson("/api/v1/events", ingest, events).status()).isEqualTo(202);
    }

    private JsonNode feature(String user, String feature) {
        for (JsonNode f : server.get("/api/v1/rollouts/desk/users/" + user + "/features", T).json().get("features")) {
            if (f.get("key").asText().equals(feature)) {
                return f;
            }
        }
        throw new AssertionError("no feature " + feature);
    }

    @Test
    void a_critical_breach_is_rolled_back_by_the_guardian_with_notices_an_incident_and_verified_recovery() throws Exception {
        start(java.time.Clock.systemUTC(), Monitoring.DEFAULTS);
        assertThat(server.put("/api/v1/rollouts/desk", T, plan(
                "[pause-enrollment, disable-features, notify-users, notify-contacts, open-incident, verify-recovery]",
                "verifyFor: 2s, verifyTimeout: 2m"), "application/yaml").status()).isEqualTo(201);
        enrollAndAdvance(5);
        String ingest = server.token("ingest");
        assertThat(feature("b0", "desk-ai").get("enabled").asBoolean()).isTrue();

        // The breach goes on until the guardian acts (on a loaded machine the first tick may come late, and a
        // single batch would slide out of the 10 s window before it is judged).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String state = server.get("/api/v1/rollouts/desk", T).json().get("state").asText();
            if (state.equals("active")) {
                traffic(ingest, Instant.now(), 500, 100, 5);
            }
            return !state.equals("active");
        });
        // The phase's features are withdrawn, the pilot's stay: a revert, not a full rollback.
        await().atMost(Duration.ofSeconds(30)).until(() -> !feature("b0", "desk-ai").get("enabled").asBoolean());
        assertThat(feature("b0", "desk-ai").get("reason").asText()).isEqualTo("rolled-back");
        assertThat(feature("b0", "desk-orders").get("enabled").asBoolean()).isTrue();

        // Healthy traffic until the 10 s window no longer holds the breach: verify-recovery passes after 2 s clear.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            traffic(ingest, Instant.now(), 200, 0, 5);
            return server.get("/api/v1/rollouts/desk", T).json().get("state").asText().equals("rolled_back");
        });

        JsonNode runs = server.get("/api/v1/rollouts/desk/rollbacks", T).json().get("items");
        assertThat(runs).hasSize(1);
        JsonNode run = server.get("/api/v1/rollbacks/" + runs.get(0).get("id").asLong(), T).json();
        assertThat(run.get("trigger").asText()).isEqualTo("guardian");
        assertThat(run.get("guard").asText()).isEqualTo("errors");
        assertThat(run.get("state").asText()).as(run.toPrettyString()).isEqualTo("done");
        assertThat(run.get("outcome").asText()).isEqualTo("rolled back");
        assertThat(run.get("basis").toString()).contains("error rate");
        assertThat(run.get("steps")).allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("done"));
        assertThat(run.get("steps").get(5).get("result").get("recovered").asBoolean()).isTrue();

        JsonNode decisions = server.get("/api/v1/rollouts/desk/guardian", T).json().get("items");
        assertThat(decisions.toString()).contains("\"action\":\"rollback\"").contains("started rollback run");

        JsonNode incident = server.get("/api/v1/incidents/" + run.get("incidentId").asLong(), T).json();
        assertThat(incident.get("rollout").asText()).isEqualTo("desk");
        String timeline = incident.get("timeline").toString();
        assertThat(timeline).contains("disable-features done").contains("notify-users done").contains("guardian: rollback");
        assertThat(incident.get("mitigatedAt").isNull()).isFalse();
        JsonNode incidents = server.get("/api/v1/incidents?rollout=desk", T).json().get("items");
        assertThat(incidents).as("the alert's incident and the runbook's are one").hasSize(1);
        // The report counts the enrolled users exposed and, from telemetry, those who actually sent traffic.
        JsonNode impact = server.get("/api/v1/incidents/" + run.get("incidentId").asLong() + "/report", T).json().get("impact");
        assertThat(impact.get("usersAffected").asLong()).as(impact.toString()).isEqualTo(5);
        assertThat(impact.get("activeUsers").asLong()).as(impact.toString()).isEqualTo(5);

        await().atMost(Duration.ofSeconds(60)).until(() -> subjects("withdrawn") >= 5 && hooks.size() >= 1);
        assertThat(subjects("withdrawn")).isEqualTo(5);
        assertThat(recipientsOf("Rollback of desk")).containsExactly("oncall@example.com");
        assertThat(hooks.toString()).contains("contact.rollback-started");

        assertThat(server.postJson("/api/v1/rollouts/desk/resume", T, Map.of()).status()).isEqualTo(422);
        JsonNode resumed = server.postJson("/api/v1/rollouts/desk/resume", T, Map.of("reason", "fixed in 2.3.1")).json();
        assertThat(resumed.get("state").asText()).isEqualTo("active");
        assertThat(resumed.get("currentPhase").asInt()).as("restarts from the phase it reverted to").isEqualTo(1);
    }

    @Test
    void a_second_rollback_joins_the_running_one_and_the_watchdog_withdraws_features_when_a_run_is_stuck() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        start(clock, Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1)));
        // verify-recovery first: with no traffic it waits, so disable-features is not reached by the run itself.
        assertThat(server.put("/api/v1/rollouts/desk", T, plan("[verify-recovery, disable-features]",
                "verifyFor: 1m, verifyTimeout: 10m"), "application/yaml").status()).isEqualTo(201);
        enrollAndAdvance(3);

        TestServer.Response first = server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of("reason", "orders failing", "severity", "sev1"));
        assertThat(first.status()).as(first.raw()).isEqualTo(202);
        long runId = first.json().get("run").get("id").asLong();
        TestServer.Response second = server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of("reason", "me too"));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("joined").asBoolean()).isTrue();
        assertThat(second.json().get("run").get("id").asLong()).isEqualTo(runId);
        assertThat(second.json().get("run").get("events").toString()).contains("me too");
        assertThat(feature("b0", "desk-ai").get("enabled").asBoolean()).as("still served until the run withdraws it").isTrue();

        clock.advance(RunbookExecutor.WATCHDOG_AFTER.plusSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> !feature("b0", "desk-ai").get("enabled").asBoolean());
        JsonNode run = server.get("/api/v1/rollbacks/" + runId, T).json();
        assertThat(run.get("featuresDisabledAt").isNull()).isFalse();
        assertThat(run.get("events").toString()).contains("watchdog withdrew the features").contains("verify-recovery");

        assertThat(server.postJson("/api/v1/rollouts/nope/rollback", T, Map.of("reason", "x")).status()).isEqualTo(404);
        assertThat(server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of()).json().toString()).contains("reason");
        assertThat(server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of("reason", "x", "severity", "sev9")).status())
                .isEqualTo(422);
        assertThat(server.postJson("/api/v1/rollouts/desk/rollback", server.token("sdk"), Map.of("reason", "x")).status())
                .isEqualTo(403);
    }

    @Test
    void a_failing_step_is_retried_with_backoff_and_past_its_limit_the_run_goes_on_and_says_so() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        System.setProperty("phasegate.faults.failStep", "notify-users");
        System.setProperty("phasegate.faults.failTimes", "99");
        try {
            start(clock, Monitoring.DEFAULTS.withIntervals(Duration.ofSeconds(5), Duration.ofHours(1)));
        } finally {
            System.clearProperty("phasegate.faults.failStep");
            System.clearProperty("phasegate.faults.failTimes");
        }
        assertThat(server.put("/api/v1/rollouts/desk", T, plan("[pause-enrollment, disable-features, notify-users, open-incident]",
                "verifyFor: 1m, verifyTimeout: 10m"), "application/yaml").status()).isEqualTo(201);
        enrollAndAdvance(3);
        long runId = server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of("reason", "bad release")).json()
                .get("run").get("id").asLong();

        // Attempts at 0, +1, +2, +4, +8 s of the test clock: move it on until the step gives up.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            clock.advance(Duration.ofSeconds(9));
            server.node().runbookExecutor().tick();
            return step(runId, "notify-users").get("state").asText().equals("failed");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/api/v1/rollbacks/" + runId, T).json().get("state").asText()
                .equals("done-with-failures"));
        JsonNode run = server.get("/api/v1/rollbacks/" + runId, T).json();
        JsonNode failed = step(runId, "notify-users");
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("attempts").asInt()).isEqualTo(RunbookExecutor.MAX_ATTEMPTS);
        assertThat(failed.get("lastError").asText()).contains("injected failure");
        assertThat(step(runId, "open-incident").get("state").asText()).as("the run went on").isEqualTo("done");
        assertThat(run.get("outcome").asText()).contains("failed steps: notify-users");
        assertThat(server.get("/api/v1/rollouts/desk", T).json().get("state").asText()).isEqualTo("rolled_back");
        JsonNode incident = server.get("/api/v1/incidents/" + run.get("incidentId").asLong(), T).json();
        assertThat(incident.get("timeline").toString()).contains("notify-users failed after 5 attempts");
        assertThat(server.postJson("/api/v1/rollouts/desk/rollback", T, Map.of("reason", "again")).status())
                .as("already rolled back").isEqualTo(409);
    }

    private JsonNode step(long runId, String name) {
        for (JsonNode s : server.get("/api/v1/rollbacks/" + runId, T).json().get("steps")) {
            if (s.get("step").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name);
    }

    private long subjects(String word) {
        return java.util.Arrays.stream(MAIL.getReceivedMessages()).filter(m -> subject(m).toLowerCase(java.util.Locale.ROOT).contains(word)).count();
    }

    private List<String> recipientsOf(String subjectPart) {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            if (subject(m).contains(subjectPart)) {
                try {
                    out.add(m.getAllRecipients()[0].toString());
                } catch (jakarta.mail.MessagingException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
