package dev.phasegate.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import dev.phasegate.server.user.Role;
import dev.phasegate.server.user.SessionRoutes;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole scenario with logging at DEBUG as {@code PHASEGATE_LOG_LEVEL=DEBUG} sets it (the root logger; Jetty,
 * Javalin, Hikari and Flyway stay pinned at WARN by logback.xml, since Jetty's DEBUG prints request headers,
 * tokens included): tokens of each kind, people
 * signing in (and mistyping), an SMTP password and a webhook secret in the settings, enrollments with
 * emails, telemetry, a rollback that notifies users and contacts whose delivery fails. No secret used in it
 * appears in any log line, message or stack trace.
 */
class SecretsNotLoggedTest {

    private static final String SMTP_PASSWORD = "smtp-password-Zq81vXk2pLm";
    private static final String WEBHOOK_SECRET = "webhook-secret-Hw72nBq0tRe9sYu3";
    private static final String PASSWORD = "people-password-Jd83mQ";
    private static final String WRONG_PASSWORD = "mistyped-password-Kc19";

    @Test
    void no_token_password_session_or_secret_appears_in_any_log_line() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("admin token", TestStore.ADMIN_TOKEN);
        secrets.put("SMTP password", SMTP_PASSWORD);
        secrets.put("webhook secret", WEBHOOK_SECRET);
        secrets.put("password", PASSWORD);
        secrets.put("mistyped password", WRONG_PASSWORD);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: every delivery fails and is logged
        }
        try (TestStore store = TestStore.h2()) {
            Settings base = store.settings();
            Settings settings = base.withNotifications(new Notifications("127.0.0.1", closedPort, "phasegate@example.com",
                    "mailer", SMTP_PASSWORD, false, WEBHOOK_SECRET, Duration.ofSeconds(1), URI.create("https://phasegate.example.com"),
                    Notifications.DEFAULT_INSUFFICIENT_DATA_GRACE));
            try (TestServer server = TestServer.start(settings)) {
                for (String kind : List.of("admin", "operator", "sdk", "ingest")) {
                    secrets.put(kind + " token", server.token(kind));
                }
                secrets.put("bogus token presented", "phg_almost-a-real-token-Vb62kLs0");
                server.get("/api/v1/rollouts", secrets.get("bogus token presented"));

                String plan = "{\"phases\":[{\"name\":\"beta\",\"capacity\":10,\"features\":[\"s-f1\"]}],"
                        + "\"contacts\":[{\"name\":\"ops\",\"email\":\"ops@example.com\",\"webhook\":\"http://127.0.0.1:" + closedPort + "/hook\"}]}";
                assertThat(server.put("/api/v1/rollouts/s", secrets.get("operator token"), plan, "application/json").status()).isEqualTo(201);
                server.post("/api/v1/rollouts/s/start", secrets.get("operator token"), ""); // a plan without a draft phase is active at once
                for (int i = 0; i < 3; i++) {
                    server.post("/api/v1/rollouts/s/enrollments", secrets.get("operator token"),
                            "{\"userId\":\"u" + i + "\",\"email\":\"u" + i + "@example.com\"}");
                }
                server.post("/api/v1/events", secrets.get("ingest token"), "[{\"type\":\"metric\",\"timestamp\":\""
                        + java.time.Instant.now() + "\",\"rollout\":\"s\",\"userId\":\"u1\",\"name\":\"latency\",\"value\":3}]");
                server.get("/api/v1/rollouts/s/users/u1/features", secrets.get("sdk token"));
                server.post("/ofrep/v1/evaluate/flags", secrets.get("sdk token"), "{\"context\":{\"targetingKey\":\"u1\"}}");

                server.node().users().add("sam", Role.OPERATOR, PASSWORD, Actor.SYSTEM);
                login(server, "sam", WRONG_PASSWORD);
                TestServer.Response signedIn = login(server, "sam", PASSWORD);
                assertThat(signedIn.status()).isEqualTo(200);
                String cookie = signedIn.header("Set-Cookie").split(";")[0];
                secrets.put("session id", cookie.substring(cookie.indexOf('=') + 1));
                secrets.put("CSRF token", signedIn.json().get("csrfToken").asText());
                TestServer.Response rollback = server.send(server.request("/api/v1/rollouts/s/rollback", null)
                        .header("Cookie", cookie).header(SessionRoutes.CSRF_HEADER, secrets.get("CSRF token"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"errors up\",\"severity\":\"sev2\"}")).build());
                assertThat(rollback.status()).as(rollback.raw()).isIn(200, 202);
                server.node().runbookExecutor().tick();
                server.node().delivery().runOnce();
                server.send(server.request("/api/v1/rollouts", null).header("Cookie", cookie).GET().build());
                server.send(server.request("/ui/logout", null).header("Cookie", cookie)
                        .header(SessionRoutes.CSRF_HEADER, secrets.get("CSRF token")).POST(HttpRequest.BodyPublishers.noBody()).build());
                assertThat(server.get("/api/v1/notifications", TestStore.ADMIN_TOKEN).raw()).as("messages were queued").contains("rollback");
            }
        } finally {
            root.detachAppender(appender);
            root.setLevel(level);
        }

        List<String> leaks = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            String line = event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
            secrets.forEach((what, secret) -> {
                if (line.contains(secret)) {
                    leaks.add(what + " in: " + (line.length() > 300 ? line.substring(0, 300) + "…" : line));
                }
            });
        }
        System.out.println("[secrets] " + appender.list.size() + " log lines at DEBUG checked for " + secrets.size() + " secrets");
        assertThat(appender.list).as("the scenario logged at DEBUG").hasSizeGreaterThan(50);
        assertThat(leaks).isEmpty();
    }

    private static TestServer.Response login(TestServer server, String name, String password) {
        return server.send(server.request("/ui/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name, "password", password)))).build());
    }
}
