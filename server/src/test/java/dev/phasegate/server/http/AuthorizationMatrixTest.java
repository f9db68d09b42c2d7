package dev.phasegate.server.http;

import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route × every kind of caller: 401 without or with a bad token, 403 for a kind without the permission. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

    private TestStore store;
    private TestServer server;
    private Map<String, String> tokens;

    /** A route and the token kinds that may call it. */
    record Route(String method, String path, String body, Set<String> allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final Set<String> READ = Set.of("admin", "operator");
    private static final Set<String> OPERATE = Set.of("admin", "operator");
    private static final Set<String> EVALUATE = Set.of("admin", "operator", "sdk");
    private static final Set<String> ADMINISTER = Set.of("admin");
    private static final Set<String> INGEST = Set.of("admin", "ingest");

    static List<Route> routes() {
        String plan = "{\"phases\":[{\"name\":\"p\",\"capacity\":5,\"features\":[\"m-f9\"]}]}";
        return List.of(
                new Route("GET", "/api/v1/rollouts", null, READ),
                new Route("GET", "/api/v1/rollouts/m", null, READ),
                new Route("PUT", "/api/v1/rollouts/m2", plan, OPERATE),
                new Route("POST", "/api/v1/rollouts/m/start", "", OPERATE),
                new Route("POST", "/api/v1/rollouts/m/advance", "", OPERATE),
                new Route("POST", "/api/v1/rollouts/m/pause", "", OPERATE),
                new Route("POST", "/api/v1/rollouts/m/resume", "", OPERATE),
                new Route("POST", "/api/v1/rollouts/m/complete", "", OPERATE),
                new Route("POST", "/api/v1/rollouts/m/enrollments", "{\"userId\":\"u1\"}", OPERATE),
                new Route("GET", "/api/v1/rollouts/m/enrollments", null, READ),
                new Route("GET", "/api/v1/rollouts/m/enrollments/u1", null, READ),
                new Route("DELETE", "/api/v1/rollouts/m/enrollments/u1", null, OPERATE),
                new Route("GET", "/api/v1/rollouts/m/users/u1/features", null, EVALUATE),
                new Route("PUT", "/api/v1/features/m-f1/kill-switch", "{\"on\":false}", OPERATE),
                new Route("GET", "/api/v1/audit", null, READ),
                new Route("POST", "/api/v1/tokens", "{\"kind\":\"sdk\",\"name\":\"x\"}", ADMINISTER),
                new Route("GET", "/api/v1/tokens", null, ADMINISTER),
                new Route("DELETE", "/api/v1/tokens/tok_unknown", null, ADMINISTER),
                new Route("POST", "/api/v1/events", "[{\"type\":\"metric\",\"timestamp\":\"" + java.time.Instant.now()
                        + "\",\"rollout\":\"m\",\"name\":\"q\",\"value\":1}]", INGEST),
                new Route("GET", "/api/v1/rollouts/m/metrics", null, READ),
                new Route("GET", "/api/v1/system/metrics", null, READ),
                new Route("GET", "/api/v1/rollouts/m/guards", null, READ),
                new Route("GET", "/api/v1/rollouts/m/readiness", null, READ),
                new Route("GET", "/api/v1/actions", null, READ),
                new Route("GET", "/api/v1/rollouts/m/decisions", null, READ),
                new Route("GET", "/api/v1/decisions/1", null, READ),
                new Route("GET", "/api/v1/alerts", null, READ),
                new Route("GET", "/api/v1/alerts/1", null, READ),
                new Route("POST", "/api/v1/alerts/1/ack", "{}", OPERATE),
                new Route("GET", "/api/v1/silences", null, READ),
                new Route("POST", "/api/v1/silences", "{\"matchers\":[{\"name\":\"rollout\",\"value\":\"m\"}],"
                        + "\"endsAt\":\"" + java.time.Instant.now().plusSeconds(3600) + "\",\"comment\":\"maintenance\"}", OPERATE),
                new Route("POST", "/api/v1/silences/999/expire", "", OPERATE),
                new Route("GET", "/api/v1/notifications", null, READ),
                new Route("GET", "/api/v1/notifications/1", null, READ),
                new Route("GET", "/api/v1/notifications/signing-key", null, ADMINISTER),
                new Route("GET", "/metrics", null, READ));
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Route route : routes()) {
            for (String caller : List.of("none", "bogus", "admin", "operator", "sdk", "ingest")) {
                cases.add(Arguments.of(route, caller));
            }
        }
        return cases.stream();
    }

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        tokens = Map.of("admin", TestStore.ADMIN_TOKEN, "operator", server.token("operator"), "sdk", server.token("sdk"),
                "ingest", server.token("ingest"), "bogus", "phg_not-a-real-token-at-all-0000000000");
        server.putJson("/api/v1/rollouts/m", TestStore.ADMIN_TOKEN, Plans.plan("m", 5, 10));
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void each_route_answers_each_caller_as_its_permission_says(Route route, String caller) {
        HttpRequest.Builder b = server.request(route.path(), tokens.get(caller));
        HttpRequest.BodyPublisher body = route.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(route.body());
        b.header("Content-Type", "application/json").method(route.method(), body);
        TestServer.Response r = server.send(b.build());

        if (caller.equals("none") || caller.equals("bogus")) {
            assertThat(r.status()).as(r.raw()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        } else if (!route.allowed().contains(caller)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(403);
            assertThat(r.json().get("detail").asText()).contains("a " + caller + " token may not");
        } else {
            assertThat(r.status()).as(r.raw()).isNotIn(401, 403).isLessThan(500);
        }
        if (r.status() >= 400) {
            assertThat(r.contentType()).startsWith("application/problem+json");
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
