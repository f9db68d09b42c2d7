package dev.phasegate.server.prometheus;

import com.sun.net.httpserver.HttpServer;
import dev.phasegate.server.config.Monitoring;
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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PrometheusQuery} against a real Prometheus (the {@code prometheus} binary, started here) scraping a
 * real Phasegate node's {@code /metrics}: so this also shows Prometheus accepts our exposition.
 */
@ExtendWith(PrometheusCondition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusQueryTest {

    TestStore store;
    TestServer node;
    TestPrometheus prometheus;
    PrometheusQuery query;
    HttpServer hanging;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    void start() {
        store = TestStore.h2();
        node = TestServer.start(store.settings().withMonitoring(Monitoring.DEFAULTS.withMetricsPublic(true)));
        Gauge.builder("phasegate.test.known", () -> 42).register(node.node().meters());
        for (String shard : List.of("a", "b", "c")) {
            Gauge.builder("phasegate.test.series", () -> 1 + "abc".indexOf(shard)).tag("shard", shard).register(node.node().meters());
        }
        prometheus = TestPrometheus.start(List.of("127.0.0.1:" + node.node().port()));
        query = new PrometheusQuery(prometheus.uri());
        // Prometheus needs a few seconds to start and scrape once; a minute is ample on a loaded machine.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .failFast("prometheus exited:\n" + prometheus.log(), () -> !prometheus.alive())
                .until(() -> query.query("phasegate_test_known", Instant.now()) instanceof PromResult.Value);
    }

    @AfterAll
    void stop() {
        release.countDown();
        if (hanging != null) {
            hanging.stop(0);
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (node != null) {
            node.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void a_known_gauge_reads_its_value() {
        Instant now = Instant.now();
        PromResult r = query.query("phasegate_test_known", now);
        assertThat(r).isInstanceOfSatisfying(PromResult.Value.class, v -> {
            assertThat(v.value()).isEqualTo(42.0);
            assertThat(v.at()).isEqualTo(now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        });
    }

    @Test
    void prometheus_accepts_the_nodes_exposition() {
        assertThat(query.query("up{job=\"phasegate\"}", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Value.class, v -> assertThat(v.value()).isEqualTo(1.0));
        assertThat(query.query("max(phasegate_host_cpu_percent) >= 0 or vector(0)", Instant.now()))
                .isInstanceOf(PromResult.Value.class);
    }

    @Test
    void an_empty_vector_is_no_data() {
        assertThat(query.query("phasegate_test_known{shard=\"none\"}", Instant.now())).isInstanceOf(PromResult.NoData.class);
    }

    @Test
    void bad_promql_is_a_failure_with_prometheus_message() {
        assertThat(query.query("sum(phasegate_test_known", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason())
                        .contains("HTTP 400").contains("bad_data").contains("parse error"));
    }

    @Test
    void several_series_are_a_failure_naming_the_count_and_their_sum_is_a_value() {
        assertThat(query.query("phasegate_test_series", Instant.now()))
                .isEqualTo(new PromResult.Failure("the query returned 3 series; aggregate it to one, e.g. with sum() or max()"));
        assertThat(query.query("sum(phasegate_test_series)", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Value.class, v -> assertThat(v.value()).isEqualTo(6.0));
    }

    @Test
    void nan_and_range_vectors_are_failures_and_scalars_are_values() {
        assertThat(query.query("0/0", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("NaN"));
        assertThat(query.query("phasegate_test_known[1m]", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("range vector"));
        assertThat(query.query("scalar(phasegate_test_known) * 2", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Value.class, v -> assertThat(v.value()).isEqualTo(84.0));
    }

    @Test
    void an_unreachable_prometheus_is_a_failure() {
        PrometheusQuery nowhere = new PrometheusQuery(URI.create("http://127.0.0.1:" + TestPrometheus.freePort()));
        assertThat(nowhere.query("up", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("unreachable"));
    }

    @Test
    void a_prometheus_that_never_answers_is_a_failure_by_timeout() throws IOException {
        hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hanging.createContext("/", exchange -> {
            try {
                release.await(60, TimeUnit.SECONDS); // accepts the request, then says nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        hanging.start();
        PrometheusQuery slow = new PrometheusQuery(URI.create("http://127.0.0.1:" + hanging.getAddress().getPort()),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(slow.query("up", Instant.now()))
                .isInstanceOfSatisfying(PromResult.Failure.class, f -> assertThat(f.reason()).contains("timed out"));
    }
}
