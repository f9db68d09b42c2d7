package dev.phasegate.sdk;

import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.PostgresCondition;
import dev.phasegate.server.testing.ServerProcess;
import dev.phasegate.server.testing.TestPrometheus;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7's fault 4: an SDK connected to a node that dies (a real process, SIGKILL) keeps evaluating from
 * its last snapshot and moves to another node of the cluster, from which it receives the next change.
 */
@ExtendWith(PostgresCondition.class)
class PhasegateClientFailoverTest {

    @TempDir
    Path dir;

    @Test
    void an_sdk_whose_node_dies_keeps_evaluating_and_moves_to_another_node() throws Exception {
        try (TestStore store = TestStore.postgres()) {
            Map<String, String> env = Map.of("PHASEGATE_DB_URL", store.settings().dbUrl());
            int portA = TestPrometheus.freePort();
            int portB = TestPrometheus.freePort();
            try (ServerProcess a = ServerProcess.start(dir.resolve("a"), portA, env, List.of(), dir.resolve("a.log"));
                 ServerProcess b = ServerProcess.start(dir.resolve("b"), portB, env, List.of(), dir.resolve("b.log"))) {
                a.json("PUT", "/api/v1/rollouts/fo", Json.write(Map.of("phases", List.of(
                        Map.of("name", "one", "capacity", 5, "features", List.of("fo-orders"))), "guards", List.of())));
                a.json("POST", "/api/v1/rollouts/fo/enrollments", Json.write(Map.of("userId", "ann")));
                String sdkToken = a.json("POST", "/api/v1/tokens", Json.write(Map.of("kind", "sdk", "name", "failover")))
                        .get("secret").asText();
                URI nodeA = URI.create("http://127.0.0.1:" + portA);
                URI nodeB = URI.create("http://127.0.0.1:" + portB);
                PhasegateConfig config = PhasegateConfig.builder(nodeA, sdkToken).fallbackUrls(nodeB)
                        .pollInterval(Duration.ofSeconds(1)).backoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
                try (PhasegateClient sdk = PhasegateClient.start(config)) {
                    assertThat(sdk.awaitReady(Duration.ofSeconds(20))).isTrue();
                    await().atMost(Duration.ofSeconds(20)).until(() -> sdk.isEnabled("fo-orders", "ann"));
                    assertThat(sdk.server()).isEqualTo(nodeA);

                    assertThat(a.kill()).isEqualTo(137);
                    // Meanwhile the last snapshot answers.
                    assertThat(sdk.isEnabled("fo-orders", "ann")).isTrue();
                    await().atMost(Duration.ofSeconds(20)).until(() -> sdk.server().equals(nodeB));

                    b.json("PUT", "/api/v1/features/fo-orders/kill-switch", Json.write(Map.of("on", true, "reason", "failover test")));
                    await().atMost(Duration.ofSeconds(20)).until(() -> !sdk.isEnabled("fo-orders", "ann"));
                    assertThat(sdk.evaluate("fo-orders", EvaluationContext.of("ann")).reason()).isEqualTo("kill-switch");
                }
            }
        }
    }
}
