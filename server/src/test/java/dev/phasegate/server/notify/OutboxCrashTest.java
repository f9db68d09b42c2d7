package dev.phasegate.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.TestPrometheus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invariant 4 for notifications, with a real process: the server is killed (SIGKILL) after users' emails were
 * enqueued and while their delivery is failing; after a restart on the same store every email arrives at least
 * once and the outbox records each exactly once, delivered.
 */
class OutboxCrashTest {

    private static final String TOKEN = "phg_crash-test-admin-token-0123456789";
    private static final int USERS = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** A Phasegate node as a child JVM, on the test's own class path (what the shaded jar holds, unshaded). */
    private Process serve(int port, int smtpPort, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.phasegate.server.cli.PhasegateCommand", "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--data-dir", dir.resolve("data").toString());
        pb.environment().put("PHASEGATE_ADMIN_TOKEN", TOKEN);
        pb.environment().put("PHASEGATE_SMTP_HOST", "127.0.0.1");
        pb.environment().put("PHASEGATE_SMTP_PORT", String.valueOf(smtpPort));
        pb.environment().put("PHASEGATE_SMTP_FROM", "phasegate@example.com");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        String health = "http://127.0.0.1:" + port + "/healthz";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the server exited; see " + log, () -> !p.isAlive())
                .until(() -> call("GET", health, null).statusCode() == 200);
        return p;
    }

    private static HttpResponse<String> call(String method, String url, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode notifications(int port) throws Exception {
        return Json.MAPPER.readTree(call("GET", "http://127.0.0.1:" + port + "/api/v1/notifications?rollout=crash&limit=1000", null).body())
                .get("items");
    }

    @Test
    void after_a_kill_between_enqueue_and_delivery_every_email_arrives_and_is_recorded_once() throws Exception {
        int smtpPort = TestPrometheus.freePort();
        int port = TestPrometheus.freePort();
        Path log = dir.resolve("server.log");
        Process first = serve(port, smtpPort, log);
        GreenMail mail = null;
        Process second = null;
        try {
            String base = "http://127.0.0.1:" + port + "/api/v1/rollouts/crash";
            assertThat(call("PUT", base, Json.write(Map.of("rollout", "crash", "phases",
                    List.of(Map.of("name", "pilot", "capacity", 50, "features", List.of("crash-f1")))))).statusCode()).isEqualTo(201);
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(Map.of("userId", "u" + i, "email", "u" + i + "@example.com"));
            }
            assertThat(call("POST", base + "/enrollments", Json.write(Map.of("users", users))).statusCode()).isIn(200, 201);
            // Enqueued, and failing: the SMTP port has no server yet.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode items = notifications(port);
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

            first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);

            mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            mail.start();
            second = serve(port, smtpPort, log);

            GreenMail inbox = mail;
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> recipients(inbox).size() == USERS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode items = notifications(port);
                for (JsonNode m : items) {
                    if (!m.get("status").asText().equals("delivered")) {
                        return false;
                    }
                }
                return items.size() == USERS;
            });
            JsonNode items = notifications(port);
            Set<String> keys = new HashSet<>();
            items.forEach(m -> keys.add(m.get("idempotencyKey").asText()));
            assertThat(keys).as("each notice recorded exactly once").hasSize(USERS);
            assertThat(recipients(mail)).containsExactlyInAnyOrderElementsOf(
                    users.stream().map(u -> (String) u.get("email")).toList());
            assertThat(mail.getReceivedMessages().length).as("at least once each").isGreaterThanOrEqualTo(USERS);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- server log (tail) ---\n" + tail(log), e);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                if (!second.waitFor(20, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
            if (mail != null) {
                mail.stop();
            }
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

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
