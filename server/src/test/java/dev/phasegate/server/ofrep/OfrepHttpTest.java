package dev.phasegate.server.ofrep;

import dev.phasegate.server.limit.RateLimit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OFREP over raw HTTP against a real server: every answer the OpenAPI document defines, in its own body
 * formats, with Phasegate's reasons mapped to OpenFeature's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfrepHttpTest {

    private static final String ADMIN = TestStore.ADMIN_TOKEN;
    private static final Duration CHANGE = Duration.ofSeconds(10);

    private TestStore store;
    private TestServer server;
    private String sdk;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        Settings s = store.settings();
        // A small body limit so the 413 path is cheap to reach.
        server = TestServer.start(new Settings(s.host(), 0, s.dataDir(), s.dbUrl(), null, null, s.dbPoolSize(), s.adminToken(), 64 * 1024));
        sdk = server.token("sdk");
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static String context(String userId) {
        return "{\"context\":{\"targetingKey\":" + Json.write(userId) + "}}";
    }

    private TestServer.Response evaluate(String flag, String body) {
        return server.post("/ofrep/v1/evaluate/flags/" + flag, sdk, body);
    }

    private TestServer.Response evaluateFor(String flag, String userId) {
        return evaluate(flag, context(userId));
    }

    private TestServer.Response bulk(String body, String ifNoneMatch) {
        HttpRequest.Builder request = server.request("/ofrep/v1/evaluate/flags", sdk)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return server.send(request.build());
    }

    /** Applies a plan (a rollout is active from the start unless its plan says draft) and enrolls the users. */
    private void activeRollout(Map<String, Object> plan, String... enrolled) {
        String key = (String) plan.get("rollout");
        assertThat(server.putJson("/api/v1/rollouts/" + key, ADMIN, plan).status()).isEqualTo(201);
        for (String user : enrolled) {
            assertThat(server.postJson("/api/v1/rollouts/" + key + "/enrollments", ADMIN, Map.of("userId", user)).status()).isEqualTo(201);
        }
    }

    private void killSwitch(String feature, boolean on) {
        assertThat(server.putJson("/api/v1/features/" + feature + "/kill-switch", ADMIN, Map.of("on", on, "reason", "x")).status())
                .isEqualTo(200);
    }

    /** Rules are republished a few milliseconds after a change: waits until the flag answers with this reason. */
    private JsonNode awaitAnswer(String flag, String userId, String phasegateReason) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(CHANGE).untilAsserted(() -> {
            TestServer.Response r = evaluateFor(flag, userId);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            last[0] = r.json();
            assertThat(last[0].path("metadata").path("phasegateReason").asText()).isEqualTo(phasegateReason);
        });
        return last[0];
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertSingleFailure(TestServer.Response r, int status, String key, String errorCode) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        // Exactly the document's evaluationFailure / flagNotFound members.
        assertThat(fieldNames(r.json())).containsExactly("key", "errorCode", "errorDetails");
        assertThat(r.json().get("key").asText()).isEqualTo(key);
        assertThat(r.json().get("errorCode").asText()).isEqualTo(errorCode);
        assertThat(r.json().get("errorDetails").asText()).isNotBlank();
    }

    private static void assertBulkFailure(TestServer.Response r, String errorCode) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(fieldNames(r.json())).containsExactly("errorCode", "errorDetails");
        assertThat(r.json().get("errorCode").asText()).isEqualTo(errorCode);
    }

    // ---- single flag: values, reasons, metadata ----------------------------------------------------------

    @Test
    void an_enrolled_user_in_an_unlocked_phase_gets_the_flag_as_a_targeting_match() {
        activeRollout(Plans.plan("alpha", 5, 50), "ann");
        JsonNode answer = awaitAnswer("alpha-f1", "ann", "enrolled-phase");

        assertThat(fieldNames(answer)).containsExactly("key", "value", "reason", "variant", "metadata");
        assertThat(answer.get("key").asText()).isEqualTo("alpha-f1");
        assertThat(answer.get("value").isBoolean()).isTrue();
        assertThat(answer.get("value").asBoolean()).isTrue();
        assertThat(answer.get("reason").asText()).isEqualTo("TARGETING_MATCH");
        assertThat(answer.get("variant").asText()).isEqualTo("on");
        assertThat(answer.get("metadata").get("rollout").asText()).isEqualTo("alpha");
        assertThat(answer.get("metadata").get("phase").isInt()).isTrue();
        assertThat(answer.get("metadata").get("phase").asInt()).isEqualTo(1);
    }

    @Test
    void a_user_who_is_not_enrolled_or_whose_phase_is_not_reached_gets_false_by_default() {
        activeRollout(Plans.plan("bravo", 5, 50), "bob");
        awaitAnswer("bravo-f1", "bob", "enrolled-phase");

        JsonNode stranger = awaitAnswer("bravo-f1", "stranger", "not-enrolled");
        assertThat(stranger.get("value").asBoolean()).isFalse();
        assertThat(stranger.get("reason").asText()).isEqualTo("DEFAULT");
        assertThat(stranger.get("variant").asText()).isEqualTo("off");

        JsonNode later = awaitAnswer("bravo-f2", "bob", "phase-not-reached");
        assertThat(later.get("value").asBoolean()).isFalse();
        assertThat(later.get("reason").asText()).isEqualTo("DEFAULT");
    }

    @Test
    void a_waitlisted_user_gets_false_by_default() {
        activeRollout(Plans.plan("waits", 1, 50), "first", "second");
        JsonNode answer = awaitAnswer("waits-f1", "second", "waitlisted");
        assertThat(answer.get("value").asBoolean()).isFalse();
        assertThat(answer.get("reason").asText()).isEqualTo("DEFAULT");
    }

    @Test
    void a_user_inside_the_percentage_ramp_gets_the_flag_as_a_split() {
        Map<String, Object> plan = Map.of("rollout", "ramp", "phases",
                List.of(Map.of("name", "everyone", "capacity", 1, "features", List.of("ramp-f1"), "percentage", 100)));
        activeRollout(plan);
        JsonNode answer = awaitAnswer("ramp-f1", "anyone", "percentage");
        assertThat(answer.get("value").asBoolean()).isTrue();
        assertThat(answer.get("reason").asText()).isEqualTo("SPLIT");
        assertThat(answer.get("variant").asText()).isEqualTo("on");
    }

    @Test
    void the_kill_switch_disables_the_flag_and_lifting_it_restores_it() {
        activeRollout(Plans.plan("kill", 5), "kim");
        awaitAnswer("kill-f1", "kim", "enrolled-phase");

        killSwitch("kill-f1", true);
        JsonNode killed = awaitAnswer("kill-f1", "kim", "kill-switch");
        assertThat(killed.get("value").asBoolean()).isFalse();
        assertThat(killed.get("reason").asText()).isEqualTo("DISABLED");
        assertThat(killed.get("variant").asText()).isEqualTo("off");

        killSwitch("kill-f1", false);
        assertThat(awaitAnswer("kill-f1", "kim", "enrolled-phase").get("value").asBoolean()).isTrue();
    }

    @Test
    void a_pause_that_withdraws_features_disables_the_flag() {
        activeRollout(Plans.plan("hold", 5), "hal");
        awaitAnswer("hold-f1", "hal", "enrolled-phase");

        assertThat(server.post("/api/v1/rollouts/hold/pause", ADMIN, "{\"withdrawFeatures\":true}").status()).isEqualTo(200);
        JsonNode paused = awaitAnswer("hold-f1", "hal", "paused");
        assertThat(paused.get("value").asBoolean()).isFalse();
        assertThat(paused.get("reason").asText()).isEqualTo("DISABLED");
    }

    @Test
    void a_rollout_not_started_disables_its_flags_and_a_completed_one_is_static() {
        Map<String, Object> plan = new java.util.LinkedHashMap<>(Plans.plan("draft", 5));
        plan.put("start", "draft");
        assertThat(server.putJson("/api/v1/rollouts/draft", ADMIN, plan).status()).isEqualTo(201);
        JsonNode draft = awaitAnswer("draft-f1", "dee", "not-started");
        assertThat(draft.get("reason").asText()).isEqualTo("DISABLED");
        assertThat(draft.get("value").asBoolean()).isFalse();

        assertThat(server.post("/api/v1/rollouts/draft/start", ADMIN, "").status()).isEqualTo(200);
        assertThat(server.post("/api/v1/rollouts/draft/complete", ADMIN, "").status()).isEqualTo(200);
        JsonNode done = awaitAnswer("draft-f1", "dee", "completed");
        assertThat(done.get("reason").asText()).isEqualTo("STATIC");
        assertThat(done.get("value").asBoolean()).isTrue();
    }

    // ---- single flag: errors ---------------------------------------------------------------------------

    @Test
    void an_unknown_flag_is_404_flag_not_found() {
        assertSingleFailure(evaluateFor("no-such-flag", "ann"), 404, "no-such-flag", "FLAG_NOT_FOUND");
    }

    @Test
    void a_body_that_is_not_an_evaluation_request_is_400_parse_error() {
        for (String body : List.of("", "   ", "not json", "{\"context\":", "[1,2]", "\"text\"", "42", "null",
                "{\"context\":{},\"context\":{}}")) {
            assertSingleFailure(evaluate("any-flag", body), 400, "any-flag", "PARSE_ERROR");
        }
    }

    @Test
    void a_context_without_a_targeting_key_is_400_targeting_key_missing() {
        for (String body : List.of("{}", "{\"context\":null}", "{\"context\":{}}", "{\"context\":{\"plan\":\"pro\"}}",
                "{\"context\":{\"targetingKey\":null}}", "{\"context\":{\"targetingKey\":\"\"}}")) {
            assertSingleFailure(evaluate("any-flag", body), 400, "any-flag", "TARGETING_KEY_MISSING");
        }
    }

    @Test
    void a_context_that_is_not_an_object_or_has_an_unusable_targeting_key_is_400_invalid_context() {
        for (String body : List.of("{\"context\":[]}", "{\"context\":\"ann\"}", "{\"context\":{\"targetingKey\":42}}",
                "{\"context\":{\"targetingKey\":{\"id\":\"ann\"}}}", "{\"context\":{\"targetingKey\":\" ann \"}}",
                "{\"context\":{\"targetingKey\":\"a\\u0000b\"}}", context("x".repeat(300)))) {
            assertSingleFailure(evaluate("any-flag", body), 400, "any-flag", "INVALID_CONTEXT");
        }
    }

    @Test
    void a_bad_request_is_refused_before_the_flag_is_looked_up() {
        assertSingleFailure(evaluate("no-such-flag", "{}"), 400, "no-such-flag", "TARGETING_KEY_MISSING");
    }

    @Test
    void other_context_attributes_and_request_members_are_ignored() {
        activeRollout(Plans.plan("extra", 5), "eve");
        awaitAnswer("extra-f1", "eve", "enrolled-phase");
        TestServer.Response r = evaluate("extra-f1", "{\"context\":{\"targetingKey\":\"eve\",\"plan\":\"pro\",\"age\":3},\"future\":1}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("value").asBoolean()).isTrue();
    }

    @Test
    void an_oversized_body_is_413_and_nothing_is_ever_a_5xx() {
        TestServer.Response big = evaluate("any-flag", context("x".repeat(70 * 1024)));
        assertThat(big.status()).isEqualTo(413);

        List<String> bodies = List.of("{\"context\":{\"targetingKey\":\"\\ud800\"}}", "{\"context\":" + "[".repeat(200) + "]".repeat(200) + "}",
                "\u0000\u0001", "{\"context\":{\"targetingKey\":\"ann\"}} trailing", "{\"context\":{\"targetingKey\":1e999}}");
        for (String body : bodies) {
            assertThat(evaluate("any-flag", body).status()).as(body).isBetween(200, 499);
            assertThat(bulk(body, null).status()).as(body).isBetween(200, 499);
        }
        for (String flag : List.of("%20", "a%2Fb", "x".repeat(2000), "%C3%A9t%C3%A9", "..")) {
            assertThat(evaluateFor(flag, "ann").status()).as(flag).isBetween(400, 499);
        }
    }

    // ---- authentication -------------------------------------------------------------------------------

    @Test
    void without_a_valid_token_it_is_401_and_a_token_without_evaluate_permission_is_403() {
        TestServer.Response none = server.post("/ofrep/v1/evaluate/flags/any-flag", null, context("ann"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(server.post("/ofrep/v1/evaluate/flags/any-flag", "phg_not-a-token", context("ann")).status()).isEqualTo(401);
        assertThat(server.post("/ofrep/v1/evaluate/flags", null, context("ann")).status()).isEqualTo(401);
        assertThat(server.get("/ofrep/v1/events", null).status()).isEqualTo(401);

        String ingest = server.token("ingest");
        assertThat(server.post("/ofrep/v1/evaluate/flags/any-flag", ingest, context("ann")).status()).isEqualTo(403);
        assertThat(server.post("/ofrep/v1/evaluate/flags", ingest, context("ann")).status()).isEqualTo(403);
    }

    @Test
    void sdk_operator_and_admin_tokens_may_evaluate_by_bearer_or_api_key_header() {
        for (String token : List.of(sdk, server.token("operator"), ADMIN)) {
            assertThat(server.post("/ofrep/v1/evaluate/flags/no-such-flag", token, context("ann")).status()).isEqualTo(404);
            HttpRequest byApiKey = server.request("/ofrep/v1/evaluate/flags/no-such-flag", null).header("X-API-Key", token)
                    .POST(HttpRequest.BodyPublishers.ofString(context("ann"))).build();
            assertThat(server.send(byApiKey).status()).isEqualTo(404);
        }
    }

    // ---- bulk -----------------------------------------------------------------------------------------

    @Test
    void bulk_evaluation_answers_every_flag_with_an_etag_and_the_event_stream() {
        activeRollout(Plans.plan("bulk", 5, 50), "bea");
        awaitAnswer("bulk-f1", "bea", "enrolled-phase");

        TestServer.Response r = bulk(context("bea"), null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.header("ETag")).matches("\"\\d+-[0-9a-f]{32}\"");
        JsonNode flags = r.json().get("flags");
        JsonNode f1 = find(flags, "bulk-f1");
        JsonNode f2 = find(flags, "bulk-f2");
        assertThat(f1.get("value").asBoolean()).isTrue();
        assertThat(f1.get("reason").asText()).isEqualTo("TARGETING_MATCH");
        assertThat(f1.get("metadata").get("rollout").asText()).isEqualTo("bulk");
        assertThat(f2.get("value").asBoolean()).isFalse();
        assertThat(f2.get("reason").asText()).isEqualTo("DEFAULT");
        assertThat(f2.get("metadata").get("phasegateReason").asText()).isEqualTo("phase-not-reached");

        JsonNode stream = r.json().get("eventStreams").get(0);
        assertThat(stream.get("type").asText()).isEqualTo("sse");
        assertThat(stream.get("url").asText()).isEqualTo(server.base() + "/ofrep/v1/events");
        assertThat(r.json().get("metadata").get("rulesVersion").asLong()).isPositive();
    }

    @Test
    void bulk_answers_304_to_its_own_etag_until_the_rules_or_the_context_change() {
        activeRollout(Plans.plan("cache", 5), "cal");
        awaitAnswer("cache-f1", "cal", "enrolled-phase");
        String body = "{\"context\":{\"targetingKey\":\"cal\",\"plan\":\"pro\",\"tags\":[1,2]}}";
        TestServer.Response first = bulk(body, null);
        String etag = first.header("ETag");

        TestServer.Response same = bulk(body, etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.raw()).isEmpty();
        assertThat(same.header("ETag")).isEqualTo(etag);
        // The same context with members in another order is the same context.
        assertThat(bulk("{\"context\":{\"tags\":[1,2],\"plan\":\"pro\",\"targetingKey\":\"cal\"}}", etag).status()).isEqualTo(304);
        assertThat(bulk(body, "\"other\", W/" + etag).status()).isEqualTo(304);
        assertThat(bulk(body, "*").status()).isEqualTo(304);

        TestServer.Response otherContext = bulk("{\"context\":{\"targetingKey\":\"cal\",\"plan\":\"free\",\"tags\":[1,2]}}", etag);
        assertThat(otherContext.status()).isEqualTo(200);
        assertThat(otherContext.header("ETag")).isNotEqualTo(etag);

        killSwitch("cache-f1", true);
        await().atMost(CHANGE).untilAsserted(() -> {
            TestServer.Response changed = bulk(body, etag);
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.header("ETag")).isNotEqualTo(etag);
            assertThat(find(changed.json().get("flags"), "cache-f1").get("reason").asText()).isEqualTo("DISABLED");
        });
    }

    @Test
    void bulk_refuses_bad_requests_in_its_own_failure_format() {
        assertBulkFailure(bulk("", null), "PARSE_ERROR");
        assertBulkFailure(bulk("[]", null), "PARSE_ERROR");
        assertBulkFailure(bulk("{}", null), "TARGETING_KEY_MISSING");
        assertBulkFailure(bulk("{\"context\":{\"targetingKey\":\"\"}}", null), "TARGETING_KEY_MISSING");
        assertBulkFailure(bulk("{\"context\":7}", null), "INVALID_CONTEXT");
        assertBulkFailure(bulk("{\"context\":{\"targetingKey\":true}}", null), "INVALID_CONTEXT");
    }

    private static JsonNode find(JsonNode flags, String key) {
        for (JsonNode flag : flags) {
            if (flag.get("key").asText().equals(key)) {
                return flag;
            }
        }
        throw new AssertionError("no flag " + key + " in " + flags);
    }

    // ---- rate limit -----------------------------------------------------------------------------------

    @Test
    void a_token_over_its_rate_limit_is_429_with_retry_after_until_time_passes() throws Exception {
        // One request a second with bursts of two, on a clock only the test moves.
        try (RateLimitedNode node = new RateLimitedNode(new RateLimit(1, 2))) {
            HttpClient client = HttpClient.newHttpClient();
            String limited = node.sdkToken();
            java.util.function.BiFunction<String, String, HttpResponse<String>> post = (path, token) -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create(node.base() + path))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(context("ann"))).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };

            assertThat(post.apply("/ofrep/v1/evaluate/flags/any-flag", limited).statusCode()).isEqualTo(404);
            assertThat(post.apply("/ofrep/v1/evaluate/flags", limited).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = post.apply("/ofrep/v1/evaluate/flags/any-flag", limited);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(Json.MAPPER.readTree(refused.body()).get("errorDetails").asText()).contains("retry after 1 s");
            assertThat(post.apply("/ofrep/v1/evaluate/flags", limited).statusCode()).isEqualTo(429);

            // Another token has its own budget.
            assertThat(post.apply("/ofrep/v1/evaluate/flags/any-flag", TestStore.ADMIN_TOKEN).statusCode()).isEqualTo(404);

            node.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertThat(post.apply("/ofrep/v1/evaluate/flags/any-flag", limited).statusCode()).isEqualTo(404);
            assertThat(post.apply("/ofrep/v1/evaluate/flags/any-flag", limited).statusCode()).isEqualTo(429);
        }
    }

    // ---- event stream ---------------------------------------------------------------------------------

    /** An open event stream, read line by line on a background thread. */
    private final class EventStream implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final InputStream body;

        EventStream(String lastEventId) throws Exception {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + "/ofrep/v1/events"))
                    .header("Authorization", "Bearer " + sdk).header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            body = response.body();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // closed by the test
                }
            });
        }

        /** The next line that starts with {@code prefix}, within a bound. */
        String next(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + CHANGE.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("no line starting with '" + prefix + "' within " + CHANGE);
        }

        /** The fields of the next event (a block of lines up to a blank one, with an {@code event:} line). */
        List<String> nextEvent() throws InterruptedException {
            long deadline = System.nanoTime() + CHANGE.toNanos();
            List<String> block = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                if (!line.isEmpty()) {
                    block.add(line);
                } else if (block.stream().anyMatch(l -> l.startsWith("event:"))) {
                    return block;
                } else {
                    block = new ArrayList<>();
                }
            }
            throw new AssertionError("no event within " + CHANGE);
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private static String field(List<String> event, String name) {
        for (Iterator<String> it = event.iterator(); it.hasNext(); ) {
            String line = it.next();
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + name + " in " + event);
    }

    @Test
    void the_event_stream_tells_clients_to_refetch_when_a_kill_switch_flips() throws Exception {
        activeRollout(Plans.plan("stream", 5), "sam");
        awaitAnswer("stream-f1", "sam", "enrolled-phase");

        try (EventStream stream = new EventStream(null)) {
            stream.next(": connected");
            killSwitch("stream-f1", true);
            List<String> event = stream.nextEvent();

            // ADR-0008: the envelope's event is always "message"; data.type says what to do.
            assertThat(field(event, "event")).isEqualTo("message");
            JsonNode data = Json.MAPPER.readTree(field(event, "data"));
            assertThat(data.get("type").asText()).isEqualTo("refetchEvaluation");
            long version = Long.parseLong(field(event, "id"));
            assertThat(data.get("etag").asText()).isEqualTo("\"" + version + "\"");
            assertThat(data.get("lastModified").isIntegralNumber()).isTrue();
            // Re-fetching now sees the change.
            assertThat(bulk(context("sam"), null).json().get("metadata").get("rulesVersion").asLong()).isGreaterThanOrEqualTo(version);
            assertThat(evaluateFor("stream-f1", "sam").json().get("reason").asText()).isEqualTo("DISABLED");
        }
    }

    @Test
    void the_event_stream_refuses_a_client_that_does_not_accept_an_event_stream() {
        TestServer.Response r = server.get("/ofrep/v1/events", sdk);
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.json().get("errorDetails").asText()).contains("Accept: text/event-stream");
    }

    @Test
    void a_client_reconnecting_with_an_old_last_event_id_is_told_to_refetch_at_once() throws Exception {
        try (EventStream stream = new EventStream("0")) {
            List<String> event = stream.nextEvent();
            assertThat(Json.MAPPER.readTree(field(event, "data")).get("type").asText()).isEqualTo("refetchEvaluation");
            assertThat(Long.parseLong(field(event, "id"))).isPositive();
        }
    }
}
