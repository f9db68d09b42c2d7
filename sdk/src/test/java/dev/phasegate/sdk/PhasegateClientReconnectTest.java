package dev.phasegate.sdk;

import dev.phasegate.server.config.Settings;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server goes away and comes back: the SDK keeps evaluating, reconnects its stream and catches up. */
class PhasegateClientReconnectTest {

    private static final String T = TestStore.ADMIN_TOKEN;

    @Test
    void the_sdk_keeps_answering_while_the_server_is_down_and_catches_up_after_it_restarts() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (TestStore store = TestStore.h2()) {
            Settings s = store.settings();
            Settings fixedPort = new Settings(s.host(), port, s.dataDir(), s.dbUrl(), s.dbUser(), s.dbPassword(), s.dbPoolSize(),
                    s.adminToken(), s.maxBodyBytes());
            String sdkToken;
            TestServer first = TestServer.start(fixedPort);
            try {
                first.putJson("/api/v1/rollouts/restart", T, Plans.plan("restart", 5));
                first.postJson("/api/v1/rollouts/restart/enrollments", T, Map.of("userId", "ann"));
                sdkToken = first.token("sdk");
            } catch (RuntimeException e) {
                first.close();
                throw e;
            }
            PhasegateConfig config = PhasegateConfig.builder(URI.create(first.base()), sdkToken)
                    .pollInterval(Duration.ofMinutes(10)).backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
            try (PhasegateClient client = PhasegateClient.start(config)) {
                assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
                assertThat(client.isEnabled("restart-f1", "ann")).isTrue();

                first.close();
                // Down: answers come from the rules the SDK holds.
                assertThat(client.isEnabled("restart-f1", "ann")).isTrue();

                try (TestServer second = TestServer.start(fixedPort)) {
                    second.put("/api/v1/features/restart-f1/kill-switch", T, "{\"on\":true,\"reason\":\"after restart\"}", "application/json");
                    // The poll is ten minutes away: only a reconnected stream (or its catch-up fetch) brings this.
                    await().atMost(Duration.ofSeconds(15)).until(() -> !client.isEnabled("restart-f1", "ann"));
                    assertThat(client.evaluate("restart-f1", EvaluationContext.of("ann")).reason()).isEqualTo("kill-switch");
                }
            }
        }
    }
}
