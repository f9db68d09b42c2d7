package dev.phasegate.server.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.prometheus.PromResult;
import dev.phasegate.server.prometheus.PrometheusQuery;
import dev.phasegate.server.testing.PrometheusCondition;
import dev.phasegate.server.testing.TestPrometheus;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PromQL guards against a real Prometheus: it scrapes an application (here a second Phasegate node whose
 * {@code /metrics} carries a gauge the test sets), and the guarded node queries it.
 */
@ExtendWith(PrometheusCondition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromqlGuardTest {

    private static final String T = TestStore.ADMIN_TOKEN;
    private final AtomicReference<Double> load = new AtomicReference<>(10.0);
    private TestStore appStore;
    private TestServer app;
    private TestPrometheus prometheus;
    private TestStore store;
    private TestServer guarded;

    @BeforeAll
    void start() {
        appStore = TestStore.h2();
        app = TestServer.start(appStore.settings().withMonitoring(Monitoring.DEFAULTS.withMetricsPublic(true)));
        Gauge.builder("orders.load", load, AtomicReference::get).register(app.node().meters());
        prometheus = TestPrometheus.start(List.of("127.0.0.1:" + app.node().port()));
        store = TestStore.h2();
        guarded = TestServer.start(store.settings().withMonitoring(Monitoring.DEFAULTS
                .withIntervals(Duration.ofSeconds(5), Duration.ofHours(1)).withPrometheusUrl(prometheus.uri()))
                .withNotifications(Notifications.DEFAULTS.withInsufficientDataGrace(Duration.ZERO)));
        assertThat(guarded.put("/api/v1/rollouts/desk", T, """
                rollout: desk
                phases: [{name: pilot, capacity: 5}]
                guards:
                  - {name: load, metric: promql, query: 'max(orders_load)', warning: 50, critical: 80, for: 0s}
                  - {name: broken, metric: promql, query: 'sum(orders_load', warning: 1, critical: 2, for: 0s}
                  - {name: absent, metric: promql, query: 'max(no_such_metric)', warning: 1, critical: 2, for: 0s}
                """, "application/yaml").status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (guarded != null) {
            guarded.close();
            store.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        app.close();
        appStore.close();
    }

    @Test
    void a_promql_guard_follows_the_queried_value_and_reports_bad_or_empty_queries() {
        awaitScraped(10.0);
        tick();
        assertThat(latest("load").get("result").asText()).isEqualTo("ok");
        assertThat(latest("load").get("observed").asDouble()).isEqualTo(10.0);

        load.set(90.0);
        awaitScraped(90.0);
        tick();
        JsonNode breached = latest("load");
        assertThat(breached.get("result").asText()).isEqualTo("critical");
        assertThat(breached.get("explanation").asText()).contains("90", "≥ critical");
        assertThat(guarded.get("/api/v1/alerts?rollout=desk&state=firing&severity=critical", T).json().get("items").toString())
                .contains("\"guard\":\"load\"");

        JsonNode broken = latest("broken");
        assertThat(broken.get("result").asText()).isEqualTo("error");
        assertThat(broken.get("explanation").asText()).contains("could not be read");
        assertThat(guarded.get("/api/v1/alerts?rollout=desk&state=firing", T).json().get("items").toString())
                .contains("\"guard\":\"broken\"").contains("\"alert\":\"unavailable\"");
        assertThat(latest("absent").get("result").asText()).isEqualTo("insufficient-data");
    }

    private void awaitScraped(double value) {
        PrometheusQuery query = new PrometheusQuery(prometheus.uri());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .failFast("prometheus exited:\n" + prometheus.log(), () -> !prometheus.alive())
                .until(() -> query.query("max(orders_load)", Instant.now()) instanceof PromResult.Value v && v.value() == value);
    }

    private void tick() {
        guarded.node().guards().tick();
    }

    private JsonNode latest(String guard) {
        for (JsonNode item : guarded.get("/api/v1/rollouts/desk/guards", T).json().get("items")) {
            if (item.get("guard").get("name").asText().equals(guard)) {
                return item.get("latest");
            }
        }
        throw new AssertionError("no guard " + guard);
    }
}
