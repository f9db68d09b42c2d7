package dev.phasegate.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.ServerProcess;
import dev.phasegate.server.testing.TestPrometheus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invariant 4 for notifications, with a real process: the server is killed (SIGKILL) after users' emails were
 * enqueued and while their delivery is failing; after a restart on the same store every email arrives at least
 * once and the outbox records each exactly once, delivered.
 */
class OutboxCrashTest {

    private static final int USERS = 10;

    @TempDir
    Path dir;

    private static JsonNode notifications(ServerProcess node) throws Exception {
        return node.json("GET", "/api/v1/notifications?rollout=crash&limit=1000", null).get("items");
    }

    @Test
    void after_a_kill_between_enqueue_and_delivery_every_email_arrives_and_is_recorded_once() throws Exception {
        int smtpPort = TestPrometheus.freePort();
        int port = TestPrometheus.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        Map<String, String> env = Map.of("PHASEGATE_SMTP_HOST", "127.0.0.1", "PHASEGATE_SMTP_PORT", String.valueOf(smtpPort),
                "PHASEGATE_SMTP_FROM", "phasegate@example.com");
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(Map.of("userId", "u" + i, "email", "u" + i + "@example.com"));
        }
        try (ServerProcess first = ServerProcess.start(data, port, env, List.of(), log)) {
            first.json("PUT", "/api/v1/rollouts/crash", Json.write(Map.of("rollout", "crash", "phases",
                    List.of(Map.of("name", "pilot", "capacity", 50, "features", List.of("crash-f1"))))));
            first.json("POST", "/api/v1/rollouts/crash/enrollments", Json.write(Map.of("users", users)));
            // Enqueued, and failing: the SMTP port has no server yet.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode items = notifications(first);
                if (items.size() != USERS) {
                    return false;
                }
                for (JsonNode m : items) {
                    if (m.get("attempts").asInt() < 1 || !m.get("status").asText().equals("pending")) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(first.kill()).as("SIGKILL: no shutdown hook runs").isEqualTo(137);
        }

        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try (ServerProcess second = ServerProcess.start(data, port, env, List.of(), log)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> recipients(mail).size() == USERS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode items = notifications(second);
                for (JsonNode m : items) {
                    if (!m.get("status").asText().equals("delivered")) {
                        return false;
                    }
                }
                return items.size() == USERS;
            });
            JsonNode items = notifications(second);
            Set<String> keys = new HashSet<>();
            items.forEach(m -> keys.add(m.get("idempotencyKey").asText()));
            String context = "--- server log (tail) ---\n" + second.logTail();
            assertThat(keys).as("each notice recorded exactly once\n" + context).hasSize(USERS);
            assertThat(recipients(mail)).as(context).containsExactlyInAnyOrderElementsOf(
                    users.stream().map(u -> (String) u.get("email")).toList());
            assertThat(mail.getReceivedMessages().length).as("at least once each").isGreaterThanOrEqualTo(USERS);
        } finally {
            mail.stop();
        }
    }

    private static Set<String> recipients(GreenMail mail) {
        Set<String> to = new HashSet<>();
        Arrays.stream(mail.getReceivedMessages()).forEach(m -> {
            try {
                to.add(m.getAllRecipients()[0].toString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return to;
    }
}
