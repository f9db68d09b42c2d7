package dev.phasegate.server.sdk;

import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkRoutesTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;
    private String sdk;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        sdk = server.token("sdk");
        server.putJson("/api/v1/rollouts/rules", T, Plans.plan("rules", 2, 4));
        server.postJson("/api/v1/rollouts/rules/enrollments", T, Map.of("users", List.of(Map.of("userId", "a"), Map.of("userId", "b"), Map.of("userId", "c"))));
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private long committedVersion() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(store.settings().jdbcUrl());
             var rs = c.createStatement().executeQuery("SELECT version FROM rules_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void the_snapshot_has_members_and_an_etag_that_answers_304() throws Exception {
        long version = committedVersion();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.get("/api/v1/sdk/rules", sdk).header("ETag").equals("\"" + version + "\""));
        TestServer.Response json = server.get("/api/v1/sdk/rules", sdk);
        assertThat(json.json().get("rollouts").get(0).get("enrolled").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(json.json().get("rollouts").get(0).get("waitlisted").toString()).isEqualTo("[\"c\"]");

        TestServer.Response binary = server.send(server.request("/api/v1/sdk/rules", sdk).header("Accept", RulesCodec.MEDIA_TYPE).GET().build());
        HttpResponse<byte[]> raw = HttpClient.newHttpClient().send(server.request("/api/v1/sdk/rules", sdk)
                .header("Accept", RulesCodec.MEDIA_TYPE).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(binary.contentType()).startsWith(RulesCodec.MEDIA_TYPE);
        RulesSnapshot decoded = RulesCodec.decode(raw.body());
        assertThat(decoded.version()).isEqualTo(version);
        assertThat(decoded.rollouts().get(0).enrolled()).containsExactlyInAnyOrder("a", "b");

        TestServer.Response notModified = server.send(server.request("/api/v1/sdk/rules", sdk)
                .header("If-None-Match", "\"" + version + "\"").GET().build());
        assertThat(notModified.status()).isEqualTo(304);
    }

    @Test
    void the_stream_announces_each_new_version_and_resumes_from_last_event_id() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = server.request("/api/v1/sdk/stream", sdk).header("Accept", "text/event-stream")
                .header("Last-Event-ID", String.valueOf(committedVersion() + 1000)).GET().build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // stream closed at the end of the test
            }
        });
        try {
            assertThat(lines.poll(300, TimeUnit.MILLISECONDS)).as("nothing newer than Last-Event-ID to send").isNull();
            server.put("/api/v1/features/rules-f1/kill-switch", T, "{\"on\":true,\"reason\":\"stream\"}", "application/json");
            long expected = committedVersion();
            String line;
            do {
                line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("a rules event arrives").isNotNull();
            } while (!line.startsWith("data:"));
            assertThat(line).isEqualTo("data: {\"version\":" + expected + "}");
        } finally {
            response.body().close();
            reader.interrupt();
            server.put("/api/v1/features/rules-f1/kill-switch", T, "{\"on\":false}", "application/json");
        }
    }

    @Test
    void heartbeats_show_which_instances_run_the_latest_rules() throws Exception {
        long version = committedVersion();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.node().rules().current().version() == version);
        assertThat(server.post("/api/v1/sdk/heartbeat", sdk, "{\"instanceId\":\"app-1\",\"sdk\":\"test\",\"version\":" + version + "}").status()).isEqualTo(204);
        assertThat(server.post("/api/v1/sdk/heartbeat", sdk, "{\"instanceId\":\"app-2\",\"version\":1}").status()).isEqualTo(204);
        var summary = server.get("/api/v1/sdk/instances", T).json();
        assertThat(summary.get("latestVersion").asLong()).isEqualTo(version);
        assertThat(summary.get("instances").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(summary.get("onLatest").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(server.post("/api/v1/sdk/heartbeat", sdk, "{\"instanceId\":\"bad id!\",\"version\":1}").status()).isEqualTo(422);
        assertThat(server.post("/api/v1/sdk/heartbeat", sdk, "{\"instanceId\":\"x\"}").status()).isEqualTo(422);
    }

    @Test
    void the_stream_refuses_a_client_that_does_not_ask_for_events() {
        TestServer.Response r = server.get("/api/v1/sdk/stream", sdk);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("field").asText()).isEqualTo("Accept");
    }

    @Test
    void rules_need_an_evaluating_token() {
        assertThat(server.get("/api/v1/sdk/rules", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/sdk/rules", server.token("ingest")).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/sdk/instances", sdk).status()).isEqualTo(403);
    }
}
