package dev.phasegate.server.http;

import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.token.Permission;
import dev.phasegate.server.token.TokenKind;
import dev.phasegate.server.user.Role;
import dev.phasegate.server.user.SessionRoutes;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every registered route × every kind of caller: no credentials, a bogus token, each token kind, and a
 * signed-in person of each role (session cookie, CSRF token on changes). The routes come from the running
 * node, so a new route without an example here fails the test by name; what each caller may do follows
 * from the route's permission and the caller's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

    private static final String PASSWORD = "a matrix password 1";
    private static final List<String> CALLERS = List.of("none", "bogus", "admin", "operator", "sdk", "ingest",
            "viewer-session", "operator-session", "admin-session");

    private TestStore store;
    private TestServer server;
    private Map<String, String> tokens;
    private final Map<String, String[]> sessions = new java.util.HashMap<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A concrete request for a route template: the path with its parameters filled, and a body. */
    record Example(String path, String body) {
    }

    /** One example per route ("METHOD template"); a registered route missing here fails the test. */
    static Map<String, Example> examples() {
        String plan = "{\"phases\":[{\"name\":\"p\",\"capacity\":5,\"features\":[\"m-f9\"]}]}";
        Map<String, Example> e = new java.util.HashMap<>();
        e.put("GET /metrics", new Example("/metrics", null));
        e.put("GET /api/v1/system/metrics", new Example("/api/v1/system/metrics", null));
        e.put("GET /api/v1/cluster", new Example("/api/v1/cluster", null));
        e.put("GET /healthz", new Example("/healthz", null));
        e.put("GET /readyz", new Example("/readyz", null));
        e.put("GET /api/v1/rollouts", new Example("/api/v1/rollouts", null));
        e.put("GET /api/v1/rollouts/{key}", new Example("/api/v1/rollouts/m", null));
        e.put("GET /api/v1/rollouts/{key}/enrollments", new Example("/api/v1/rollouts/m/enrollments", null));
        e.put("GET /api/v1/rollouts/{key}/enrollments/{userId}", new Example("/api/v1/rollouts/m/enrollments/u1", null));
        e.put("GET /api/v1/rollouts/{key}/users/{userId}/features", new Example("/api/v1/rollouts/m/users/u1/features", null));
        e.put("GET /api/v1/tokens", new Example("/api/v1/tokens", null));
        e.put("GET /api/v1/audit", new Example("/api/v1/audit", null));
        e.put("GET /api/v1/alerts", new Example("/api/v1/alerts", null));
        e.put("GET /api/v1/alerts/{id}", new Example("/api/v1/alerts/1", null));
        e.put("GET /api/v1/silences", new Example("/api/v1/silences", null));
        e.put("GET /api/v1/sdk/rules", new Example("/api/v1/sdk/rules", null));
        e.put("GET /api/v1/sdk/stream", new Example("/api/v1/sdk/stream", null));
        e.put("GET /api/v1/sdk/instances", new Example("/api/v1/sdk/instances", null));
        e.put("GET /ofrep/v1/events", new Example("/ofrep/v1/events", null));
        e.put("GET /api/v1/rollouts/{key}/metrics", new Example("/api/v1/rollouts/m/metrics", null));
        e.put("GET /ui/session", new Example("/ui/session", null));
        e.put("GET /performance", new Example("/performance", null));
        e.put("GET /rollouts/{key}", new Example("/rollouts/m", null));
        e.put("GET /", new Example("/", null));
        e.put("GET /activity", new Example("/activity", null));
        e.put("GET /incidents", new Example("/incidents", null));
        e.put("GET /alerts", new Example("/alerts", null));
        e.put("GET /incidents/{id}", new Example("/incidents/1", null));
        e.put("GET /login", new Example("/login", null));
        e.put("GET /ui/assets/uplot/{file}", new Example("/ui/assets/uplot/uPlot.iife.min.js", null));
        e.put("GET /ui/assets/<path>", new Example("/ui/assets/app.js", null));
        e.put("GET /ui/stream", new Example("/ui/stream", null));
        e.put("GET /api/v1/incidents", new Example("/api/v1/incidents", null));
        e.put("GET /api/v1/incidents/{id}", new Example("/api/v1/incidents/1", null));
        e.put("GET /api/v1/incidents/{id}/report", new Example("/api/v1/incidents/1/report", null));
        e.put("GET /api/v1/rollouts/{key}/rollbacks", new Example("/api/v1/rollouts/m/rollbacks", null));
        e.put("GET /api/v1/rollbacks/{id}", new Example("/api/v1/rollbacks/1", null));
        e.put("GET /api/v1/rollouts/{key}/guardian", new Example("/api/v1/rollouts/m/guardian", null));
        e.put("GET /api/v1/rollouts/{key}/guards", new Example("/api/v1/rollouts/m/guards", null));
        e.put("GET /api/v1/rollouts/{key}/decisions", new Example("/api/v1/rollouts/m/decisions", null));
        e.put("GET /api/v1/decisions/{id}", new Example("/api/v1/decisions/1", null));
        e.put("GET /api/v1/rollouts/{key}/readiness", new Example("/api/v1/rollouts/m/readiness", null));
        e.put("GET /api/v1/actions", new Example("/api/v1/actions", null));
        e.put("GET /api/v1/notifications/signing-key", new Example("/api/v1/notifications/signing-key", null));
        e.put("GET /api/v1/notifications", new Example("/api/v1/notifications", null));
        e.put("GET /api/v1/notifications/{id}", new Example("/api/v1/notifications/1", null));
        e.put("GET /openapi.json", new Example("/openapi.json", null));
        e.put("GET /api/docs", new Example("/api/docs", null));
        e.put("GET /api/docs/{asset}", new Example("/api/docs/swagger-ui.css", null));
        e.put("POST /api/v1/rollouts/{key}/start", new Example("/api/v1/rollouts/m/start", ""));
        e.put("POST /api/v1/rollouts/{key}/advance", new Example("/api/v1/rollouts/m/advance", ""));
        e.put("POST /api/v1/rollouts/{key}/pause", new Example("/api/v1/rollouts/m/pause", ""));
        e.put("POST /api/v1/rollouts/{key}/resume", new Example("/api/v1/rollouts/m/resume", ""));
        e.put("POST /api/v1/rollouts/{key}/complete", new Example("/api/v1/rollouts/m/complete", ""));
        e.put("POST /api/v1/rollouts/{key}/enrollments", new Example("/api/v1/rollouts/m/enrollments", "{\"userId\":\"u1\"}"));
        e.put("POST /api/v1/tokens", new Example("/api/v1/tokens", "{\"kind\":\"sdk\",\"name\":\"x\"}"));
        e.put("POST /api/v1/alerts/{id}/ack", new Example("/api/v1/alerts/1/ack", "{}"));
        e.put("POST /api/v1/silences", new Example("/api/v1/silences", "{\"matchers\":[{\"name\":\"rollout\",\"value\":\"m\"}],"
                + "\"endsAt\":\"" + java.time.Instant.now().plusSeconds(3600) + "\",\"comment\":\"maintenance\"}"));
        e.put("POST /api/v1/silences/{id}/expire", new Example("/api/v1/silences/999/expire", ""));
        e.put("POST /api/v1/sdk/heartbeat", new Example("/api/v1/sdk/heartbeat", "{\"instanceId\":\"i-1\",\"sdk\":\"java\"}"));
        e.put("POST /ofrep/v1/evaluate/flags/{key}", new Example("/ofrep/v1/evaluate/flags/m-f1", "{\"context\":{\"targetingKey\":\"u1\"}}"));
        e.put("POST /ofrep/v1/evaluate/flags", new Example("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}"));
        e.put("POST /api/v1/events", new Example("/api/v1/events", "[{\"type\":\"metric\",\"timestamp\":\"" + java.time.Instant.now()
                + "\",\"rollout\":\"m\",\"name\":\"q\",\"value\":1}]"));
        e.put("POST /ui/login", new Example("/ui/login", "{\"name\":\"vera\",\"password\":\"" + PASSWORD + "\"}"));
        e.put("POST /ui/logout", new Example("/ui/logout", ""));
        e.put("POST /api/v1/incidents", new Example("/api/v1/incidents", "{\"title\":\"t\",\"severity\":\"sev3\"}"));
        e.put("POST /api/v1/incidents/{id}/ack", new Example("/api/v1/incidents/1/ack", "{}"));
        e.put("POST /api/v1/incidents/{id}/resolve", new Example("/api/v1/incidents/1/resolve", "{\"resolution\":\"fixed\"}"));
        e.put("POST /api/v1/incidents/{id}/comments", new Example("/api/v1/incidents/1/comments", "{\"text\":\"hi\"}"));
        e.put("POST /api/v1/incidents/{id}/assign", new Example("/api/v1/incidents/1/assign", "{\"assignee\":\"bob\"}"));
        e.put("POST /api/v1/rollouts/{key}/rollback", new Example("/api/v1/rollouts/nothing-here/rollback", "{\"reason\":\"r\"}"));
        e.put("PUT /api/v1/rollouts/{key}", new Example("/api/v1/rollouts/m2", plan));
        e.put("PUT /api/v1/features/{featureKey}/kill-switch", new Example("/api/v1/features/m-f1/kill-switch", "{\"on\":false}"));
        e.put("DELETE /api/v1/rollouts/{key}/enrollments/{userId}", new Example("/api/v1/rollouts/m/enrollments/u1", null));
        e.put("DELETE /api/v1/tokens/{id}", new Example("/api/v1/tokens/tok_unknown", null));
        return e;
    }

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        tokens = Map.of("admin", TestStore.ADMIN_TOKEN, "operator", server.token("operator"), "sdk", server.token("sdk"),
                "ingest", server.token("ingest"), "bogus", "phg_not-a-real-token-at-all-0000000000");
        server.putJson("/api/v1/rollouts/m", TestStore.ADMIN_TOKEN, Plans.plan("m", 5, 10));
        for (Role role : Role.values()) {
            server.node().users().add(role.apiName() + "-user", role, PASSWORD, Actor.SYSTEM);
        }
        server.node().users().add("vera", Role.VIEWER, PASSWORD, Actor.SYSTEM);
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (HttpApi.Route route : server.node().routes()) {
            for (String caller : CALLERS) {
                cases.add(Arguments.of(route, caller));
            }
        }
        return cases.stream();
    }

    @org.junit.jupiter.api.Test
    void every_registered_route_has_an_example_here() {
        Map<String, Example> examples = examples();
        assertThat(server.node().routes().stream().map(r -> r.method() + " " + r.path()).filter(k -> !examples.containsKey(k)))
                .as("routes without an example in AuthorizationMatrixTest.examples(): add one").isEmpty();
    }

    /** A session for a role: {cookie, csrf}; a fresh one for sign-out, which ends it. */
    private String[] session(String role, boolean fresh) {
        if (!fresh && sessions.containsKey(role)) {
            return sessions.get(role);
        }
        TestServer.Response r = server.send(server.request("/ui/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + role + "-user\",\"password\":\"" + PASSWORD + "\"}")).build());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        String[] s = {r.header("Set-Cookie").split(";")[0], r.json().get("csrfToken").asText()};
        if (!fresh) {
            sessions.put(role, s);
        }
        return s;
    }

    private static boolean may(String caller, Permission permission) {
        if (caller.endsWith("-session")) {
            return Role.byApiName(caller.substring(0, caller.indexOf('-'))).orElseThrow().permissions().contains(permission);
        }
        return TokenKind.byApiName(caller).orElseThrow().permissions().contains(permission);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void each_route_answers_each_caller_as_its_permission_says(HttpApi.Route route, String caller) throws Exception {
        Example example = examples().get(route.method() + " " + route.path());
        assertThat(example).as("no example for " + route.method() + " " + route.path() + " in AuthorizationMatrixTest.examples()").isNotNull();
        boolean session = caller.endsWith("-session");
        HttpRequest.Builder b = server.request(example.path(), session ? null : tokens.get(caller));
        if (session) {
            String[] s = session(caller.substring(0, caller.indexOf('-')), route.path().equals("/ui/logout"));
            b.header("Cookie", s[0]);
            if (!route.method().equals("GET")) {
                b.header(SessionRoutes.CSRF_HEADER, s[1]);
            }
        }
        HttpRequest.BodyPublisher body = example.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(example.body());
        b.header("Content-Type", "application/json").header("Accept", route.path().endsWith("/stream")
                || route.path().equals("/ofrep/v1/events") ? "text/event-stream" : "*/*").method(route.method(), body);
        java.net.http.HttpResponse<java.io.InputStream> r = client.send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        String type = r.headers().firstValue("Content-Type").orElse("");
        String raw;
        try (java.io.InputStream in = r.body()) {
            // An event stream never ends: its status and headers are what is checked.
            raw = type.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        int status = r.statusCode();

        if (route.permission() == null) {
            assertThat(status).as(raw).isNotIn(401, 403).isLessThan(500);
        } else if (caller.equals("none") || caller.equals("bogus")) {
            assertThat(status).as(raw).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        } else if (!may(caller, route.permission())) {
            assertThat(status).as(raw).isEqualTo(403);
            assertThat(raw).contains(session ? "user " + caller.substring(0, caller.indexOf('-')) + "-user" : "a " + caller + " token")
                    .contains("may not");
        } else {
            assertThat(status).as(raw).isNotIn(401, 403).isLessThan(500);
        }
        if (status >= 400 && (example.path().startsWith("/api/") || example.path().startsWith("/ui/"))) {
            assertThat(type).as(raw).startsWith("application/problem+json");
        }
    }

    @org.junit.jupiter.api.Test
    void a_revoked_token_is_refused_at_once() {
        TestServer.Response created = server.post("/api/v1/tokens", TestStore.ADMIN_TOKEN, "{\"kind\":\"operator\",\"name\":\"short-lived\"}");
        String secret = created.json().get("secret").asText();
        assertThat(server.get("/api/v1/rollouts", secret).status()).isEqualTo(200);
        assertThat(server.delete("/api/v1/tokens/" + created.json().get("id").asText(), TestStore.ADMIN_TOKEN).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/rollouts", secret).status()).isEqualTo(401);
    }

    @org.junit.jupiter.api.Test
    void token_listings_never_show_secrets() {
        String secret = server.token("sdk");
        TestServer.Response list = server.get("/api/v1/tokens", TestStore.ADMIN_TOKEN);
        assertThat(list.raw()).doesNotContain(secret).doesNotContain(TestStore.ADMIN_TOKEN).doesNotContain("secret");
    }

    @org.junit.jupiter.api.Test
    void the_api_key_header_is_accepted_like_a_bearer_token() {
        TestServer.Response r = server.send(server.request("/api/v1/rollouts/m/users/u9/features", null)
                .header("X-API-Key", tokens.get("sdk")).GET().build());
        assertThat(r.status()).isEqualTo(200);
    }

    @org.junit.jupiter.api.Test
    void health_routes_need_no_token() {
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);
        TestServer.Response ready = server.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    }
}
