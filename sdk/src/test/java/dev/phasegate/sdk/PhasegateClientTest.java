package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SDK against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhasegateClientTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;
    private String sdkToken;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        sdkToken = server.token("sdk");
        server.putJson("/api/v1/rollouts/shop", T, Map.of("rollout", "shop", "phases", List.of(
                Plans.phase("one", 2, "shop-cart"), Map.of("name", "two", "capacity", 4, "features", List.of("shop-ai"), "percentage", 30))));
        for (String u : List.of("ann", "bob", "cid")) {
            server.postJson("/api/v1/rollouts/shop/enrollments", T, Map.of("userId", u));
        }
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private PhasegateConfig.Builder config() {
        return PhasegateConfig.builder(URI.create(server.base()), sdkToken).pollInterval(Duration.ofMinutes(5));
    }

    @Test
    void evaluates_locally_what_the_server_answers() throws Exception {
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            for (String user : List.of("ann", "bob", "cid", "dan")) {
                JsonNode answer = server.get("/api/v1/rollouts/shop/users/" + user + "/features", T).json();
                for (JsonNode f : answer.get("features")) {
                    Result local = client.evaluate(f.get("key").asText(), EvaluationContext.of(user));
                    assertThat(local.value()).as(user + " " + f).isEqualTo(f.get("enabled").asBoolean());
                    assertThat(local.reason()).isEqualTo(f.get("reason").asText());
                }
            }
            assertThat(client.isEnabled("shop-cart", "ann")).isTrue();
            assertThat(client.evaluate("shop-cart", EvaluationContext.of("cid")).reason()).isEqualTo("waitlisted");
            assertThat(client.features("ann")).containsEntry("shop-cart", true).containsKey("shop-ai");
            assertThat(client.evaluate("no-such-flag", EvaluationContext.of("ann"), true))
                    .isEqualTo(new Result(true, "unknown-feature", client.version()));
        }
    }

    @Test
    void a_pushed_kill_switch_reaches_the_client_without_polling() throws Exception {
        try (PhasegateClient client = PhasegateClient.start(config().build())) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            assertThat(client.isEnabled("shop-cart", "bob")).isTrue();
            server.put("/api/v1/features/shop-cart/kill-switch", T, "{\"on\":true,\"reason\":\"sdk test\"}", "application/json");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isEnabled("shop-cart", "bob"));
            assertThat(client.evaluate("shop-cart", EvaluationContext.of("bob")).reason()).isEqualTo("kill-switch");
            server.put("/api/v1/features/shop-cart/kill-switch", T, "{\"on\":false}", "application/json");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.isEnabled("shop-cart", "bob"));
        }
    }

    @Test
    void each_instance_reports_the_version_it_applied() throws Exception {
        try (PhasegateClient client = PhasegateClient.start(config().instanceId("checkout-1").build())) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode instances = server.get("/api/v1/sdk/instances", T).json();
                for (JsonNode i : instances.get("items")) {
                    if (i.get("instanceId").asText().equals("checkout-1") && i.get("version").asLong() == client.version()) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    @Test
    void before_any_rules_it_answers_the_default_with_not_ready() {
        PhasegateConfig unreachable = PhasegateConfig.builder(URI.create("http://127.0.0.1:1"), sdkToken).streaming(false).build();
        try (PhasegateClient client = PhasegateClient.start(unreachable)) {
            assertThat(client.evaluate("shop-cart", EvaluationContext.of("ann"), true)).isEqualTo(new Result(true, Result.NOT_READY, 0));
            assertThat(client.isEnabled("shop-cart", "ann")).isFalse();
            assertThat(client.features("ann")).isEmpty();
        }
    }

    @Test
    void the_last_known_good_rules_carry_an_offline_restart() throws Exception {
        Path lastGood = dir.resolve("cache/rules.bin");
        try (PhasegateClient client = PhasegateClient.start(config().lastKnownGoodFile(lastGood).build())) {
            assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(lastGood));
        }
        PhasegateConfig offline = PhasegateConfig.builder(URI.create("http://127.0.0.1:1"), sdkToken)
                .streaming(false).lastKnownGoodFile(lastGood).build();
        try (PhasegateClient client = PhasegateClient.start(offline)) {
            assertThat(client.isReady()).isTrue();
            assertThat(client.isEnabled("shop-cart", "ann")).isTrue();
        }
        // The same file serves as a bootstrap shipped with an application.
        PhasegateConfig bootstrapped = PhasegateConfig.builder(URI.create("http://127.0.0.1:1"), sdkToken)
                .streaming(false).bootstrapFile(lastGood).build();
        try (PhasegateClient client = PhasegateClient.start(bootstrapped)) {
            assertThat(client.evaluate("shop-cart", EvaluationContext.of("ann")).reason()).isEqualTo("enrolled-phase");
        }
    }

    @Test
    void a_refused_token_stops_the_client_which_keeps_evaluating_what_it_has() throws Exception {
        PhasegateConfig bad = PhasegateConfig.builder(URI.create(server.base()), "phg_not-a-valid-token-xxxxxxxxxxxxxxx").build();
        try (PhasegateClient client = PhasegateClient.start(bad)) {
            await().atMost(Duration.ofSeconds(10)).until(client::refused);
            long fetches = client.fetches();
            client.fetchNow();
            assertThat(client.fetches()).isEqualTo(fetches);
            assertThat(client.evaluate("shop-cart", EvaluationContext.of("ann")).reason()).isEqualTo(Result.NOT_READY);
        }
    }
}
