package dev.phasegate.server.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code GET /api/v1/system/metrics} through a real server on each store. Samples are stored under another
 * node's id in a past range, so the node's own sampler (real OSHI) never lands in what is asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SystemMetricsContract {

    static final String T = TestStore.ADMIN_TOKEN;
    TestStore store;
    TestServer server;
    Instant from;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() {
        store = TestStore.create(kind());
        server = TestServer.start(store.settings());
        from = Instant.now().minus(Duration.ofMinutes(50)).truncatedTo(ChronoUnit.MINUTES);
        HostSampler host = server.node().host();
        host.database().withHandle(h -> {
            HostSampleStore s = host.store();
            s.insert(h, "other-node", cpu(from.plusSeconds(10), 10));
            s.insert(h, "other-node", cpu(from.plusSeconds(20), 30));
            s.insert(h, "other-node", cpu(from.plusSeconds(70), 50));
            s.insert(h, "other-node", cpu(from.minusSeconds(1), 99));          // before from
            s.insert(h, "other-node", cpu(from.plusSeconds(600), 99));         // at to: excluded
            return null;
        });
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static HostSample cpu(Instant at, double percent) {
        return new HostSample(at, percent, 1, 50, 1_000, 40, 5_000, 100, 50, 10, 100, 0, 0, 20);
    }

    private String range(String step) {
        return "/api/v1/system/metrics?from=" + from + "&to=" + from.plusSeconds(600) + (step == null ? "" : "&step=" + step);
    }

    @Test
    void points_average_the_samples_of_each_step() {
        TestServer.Response r = server.get(range("1m"), T);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode points = r.json().get("points");
        assertThat(points).hasSize(2);
        assertThat(points.get(0).get("at").asText()).isEqualTo(from.toString());
        assertThat(points.get(0).get("samples").asLong()).isEqualTo(2);
        assertThat(points.get(0).get("systemCpuPercent").asDouble()).isCloseTo(20.0, within(1e-9));
        assertThat(points.get(0).get("memoryUsedBytes").asDouble()).isCloseTo(1_000.0, within(1e-9));
        assertThat(points.get(1).get("at").asText()).isEqualTo(from.plusSeconds(60).toString());
        assertThat(points.get(1).get("systemCpuPercent").asDouble()).isCloseTo(50.0, within(1e-9));
        assertThat(r.json().get("step").asText()).isEqualTo("PT1M");
    }

    @Test
    void one_step_over_the_range_averages_everything_in_it_and_iso_steps_are_accepted() {
        JsonNode points = server.get(range("PT10M"), T).json().get("points");
        assertThat(points).hasSize(1);
        assertThat(points.get(0).get("samples").asLong()).isEqualTo(3);
        assertThat(points.get(0).get("systemCpuPercent").asDouble()).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void without_parameters_the_answer_covers_the_last_hour_in_minute_steps() {
        TestServer.Response r = server.get("/api/v1/system/metrics", T);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Instant to = Instant.parse(r.json().get("to").asText());
        assertThat(Instant.parse(r.json().get("from").asText())).isEqualTo(to.minus(Duration.ofHours(1)));
        assertThat(r.json().get("step").asText()).isEqualTo("PT1M");
        assertThat(r.json().get("points").size()).isBetween(2, 62); // the stored samples, and the node's own
    }

    @Test
    void bad_parameters_are_422_naming_the_field() {
        assertThat(problemField("/api/v1/system/metrics?from=yesterday")).isEqualTo("from");
        assertThat(problemField("/api/v1/system/metrics?to=2026-01-01")).isEqualTo("to");
        assertThat(problemField("/api/v1/system/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")).isEqualTo("from");
        assertThat(problemField("/api/v1/system/metrics?step=often")).isEqualTo("step");
        assertThat(problemField("/api/v1/system/metrics?step=10ms")).isEqualTo("step");
        assertThat(problemField("/api/v1/system/metrics?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=1s")).isEqualTo("step");
    }

    private String problemField(String path) {
        TestServer.Response r = server.get(path, T);
        assertThat(r.status()).as(r.raw()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        return r.json().get("field").asText();
    }

    @Test
    void reading_needs_a_token_with_read_permission() {
        assertThat(server.get("/api/v1/system/metrics", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/system/metrics", server.token("sdk")).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/system/metrics", server.token("operator")).status()).isEqualTo(200);
    }
}
