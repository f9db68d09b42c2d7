package dev.phasegate.server.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.ServerProcess;
import dev.phasegate.server.testing.TestPrometheus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills a real server process at each runbook step in turn (inside the step's transaction, just before it
 * commits, and for some steps just after), restarts it on the same store, and checks the rollback
 * completes with every step's effect exactly once: one "features withdrawn" notice per user, one notice
 * per contact, one incident, one feature withdrawal, one timeline entry per step.
 */
class RunbookCrashTest {

    private static final int USERS = 3;
    private static final String PLAN = """
            rollout: crash
            phases:
              - {name: pilot, capacity: 10, features: [crash-basic]}
              - {name: wide, capacity: 50, features: [crash-ai]}
            guards: []
            contacts:
              - {name: On-call, email: oncall@example.com, role: on-call}
            """;

    @TempDir
    Path dir;
    private GreenMail mail;
    private int smtpPort;

    @BeforeEach
    void mailServer() {
        smtpPort = TestPrometheus.freePort();
        mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    @AfterEach
    void stopMail() {
        mail.stop();
    }

    @ParameterizedTest(name = "halt {0} {1}")
    @CsvSource({
            "haltInStep, pause-enrollment", "haltInStep, disable-features", "haltInStep, notify-users",
            "haltInStep, notify-contacts", "haltInStep, open-incident", "haltInStep, verify-recovery",
            "haltAfterStep, disable-features", "haltAfterStep, open-incident"})
    void a_rollback_killed_at_a_step_completes_after_restart_with_each_effect_once(String when, String step) throws Exception {
        int port = TestPrometheus.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        Map<String, String> env = Map.of("PHASEGATE_SMTP_HOST", "127.0.0.1", "PHASEGATE_SMTP_PORT", String.valueOf(smtpPort),
                "PHASEGATE_SMTP_FROM", "phasegate@example.com");
        long runId;
        try (ServerProcess first = ServerProcess.start(data, port, env, List.of("-Dphasegate.faults." + when + "=" + step), log)) {
            first.json("PUT", "/api/v1/rollouts/crash", PLAN);
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(Map.of("userId", "u" + i, "email", "u" + i + "@example.com"));
            }
            first.json("POST", "/api/v1/rollouts/crash/enrollments", Json.write(Map.of("users", users)));
            first.json("POST", "/api/v1/rollouts/crash/advance", "{}");
            // The run commits before the answer is written, and a halt in its first step can come before the
            // answer: the process dies as it would. The run is then read back after the restart.
            try {
                HttpResponse<String> started = first.call("POST", "/api/v1/rollouts/crash/rollback",
                        Json.write(Map.of("reason", "crash test at " + step, "severity", "sev2")));
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            } catch (IOException lostWithTheProcess) {
                // halted before answering
            }
            assertThat(first.awaitExit(Duration.ofSeconds(60))).as("halted by fault injection\n" + first.logTail())
                    .isEqualTo(FaultInjection.HALT_STATUS);
        }

        try (ServerProcess second = ServerProcess.start(data, port, env, List.of(), log)) {
            JsonNode runs = second.json("GET", "/api/v1/rollouts/crash/rollbacks", null).get("items");
            assertThat(runs).as("one rollback run, committed before the halt").hasSize(1);
            runId = runs.get(0).get("id").asLong();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !second.json("GET", "/api/v1/rollbacks/" + runId, null).get("state").asText().equals("running"));
            JsonNode run = second.json("GET", "/api/v1/rollbacks/" + runId, null);
            String context = run.toPrettyString() + "\n--- server log ---\n" + second.logTail();
            assertThat(run.get("state").asText()).as(context).isEqualTo("done");
            assertThat(run.get("steps")).as(context).allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("done"));

            Map<String, Integer> stepEvents = new HashMap<>();
            for (JsonNode e : run.get("events")) {
                if (e.get("kind").asText().equals("step")) {
                    stepEvents.merge(e.get("text").asText(), 1, Integer::sum);
                }
            }
            assertThat(stepEvents).as(context).hasSize(6).allSatisfy((text, count) -> assertThat(count).isEqualTo(1));

            JsonNode rollout = second.json("GET", "/api/v1/rollouts/crash", null);
            assertThat(rollout.get("state").asText()).isEqualTo("rolled_back");
            assertThat(rollout.get("currentPhase").asInt()).as("reverted once, from 2 to 1").isEqualTo(1);
            JsonNode audit = second.json("GET", "/api/v1/audit?rollout=crash&limit=1000", null).get("items");
            assertThat(count(audit, "action", "rollout.disable-features")).isEqualTo(1);
            assertThat(count(audit, "action", "rollout.rollback")).isEqualTo(1);
            assertThat(count(audit, "action", "rollout.finish-rollback")).isEqualTo(1);

            JsonNode withdrawn = second.json("GET", "/api/v1/notifications?rollout=crash&kind=user.features-withdrawn&limit=100", null)
                    .get("items");
            assertThat(withdrawn).as(context).hasSize(USERS);
            JsonNode contacts = second.json("GET", "/api/v1/notifications?rollout=crash&kind=contact.rollback-started&limit=100", null)
                    .get("items");
            assertThat(contacts).hasSize(1);
            JsonNode incidents = second.json("GET", "/api/v1/incidents?rollout=crash", null).get("items");
            assertThat(incidents).hasSize(1);
            assertThat(incidents.get(0).get("id").asLong()).isEqualTo(run.get("incidentId").asLong());

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> subjects("withdrawn") >= USERS);
            assertThat(subjects("withdrawn")).as("each user's notice delivered, and only once as nothing crashed mid-send")
                    .isEqualTo(USERS);
        }
    }

    private long subjects(String word) {
        return java.util.Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().toLowerCase(java.util.Locale.ROOT).contains(word);
            } catch (jakarta.mail.MessagingException e) {
                throw new AssertionError(e);
            }
        }).count();
    }

    private static long count(JsonNode items, String field, String value) {
        long n = 0;
        for (JsonNode item : items) {
            if (item.path(field).asText().equals(value)) {
                n++;
            }
        }
        return n;
    }
}
