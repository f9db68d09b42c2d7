package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK's telemetry against the real ingest route: what the SDK sends, the server stores and attributes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhasegateClientTelemetryEndToEndTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private TestStore store;
    private TestServer server;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        server.putJson("/api/v1/rollouts/desk", T, Map.of("rollout", "desk", "phases", List.of(
                Plans.phase("one", 5, "desk-orders"))));
        server.postJson("/api/v1/rollouts/desk/enrollments", T, Map.of("userId", "beta-1"));
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    @Test
    void every_kind_of_event_tracked_by_the_sdk_is_stored_and_attributed_to_its_cohort() {
        PhasegateConfig config = PhasegateConfig.builder(URI.create(server.base()), server.token("sdk"))
                .pollInterval(Duration.ofMinutes(5)).ingestToken(server.token("ingest")).build();
        PhasegateClient client = PhasegateClient.start(config);
        client.trackRequest("beta-1", "desk", Duration.ofMillis(120), false, "/orders/{id}");
        client.trackRequest("beta-1", "desk", Duration.ofMillis(80), true, "/orders/{id}");
        client.trackRequest("someone-else", "desk", Duration.ofMillis(40), true, "/orders/{id}");
        client.trackSession("beta-1", "desk", Duration.ofMinutes(3));
        client.trackFeatureUsed("beta-1", "desk", "desk-orders");
        client.trackFeedback("beta-1", "desk", 2, "the order ticket is slow");
        client.trackMetric("beta-1", "desk", "orders-placed", 3);
        client.close();

        TelemetryStats stats = client.telemetryStats();
        assertThat(stats.sent()).isEqualTo(7);
        assertThat(stats.rejectedByServer()).isZero();
        assertThat(stats.droppedInvalid()).isZero();

        JsonNode metrics = server.get("/api/v1/rollouts/desk/metrics", T).json();
        assertThat(sum(metrics.get("beta"), "requests")).isEqualTo(2);
        assertThat(sum(metrics.get("beta"), "errors")).isEqualTo(1);
        assertThat(sum(metrics.get("control"), "requests")).isEqualTo(1);
        assertThat(sum(metrics.get("beta"), "sessions")).isEqualTo(1);
        assertThat(sum(metrics.get("beta"), "feedbackCount")).isEqualTo(1);
        assertThat(metrics.get("feedback").get(0).get("comment").asText()).isEqualTo("the order ticket is slow");
        long used = 0;
        for (JsonNode point : metrics.get("beta")) {
            used += point.path("featureUsage").path("desk-orders").asLong(0);
        }
        assertThat(used).isEqualTo(1);
    }

    private static long sum(JsonNode points, String field) {
        long total = 0;
        for (JsonNode point : points) {
            total += point.path(field).asLong(0);
        }
        return total;
    }
}
