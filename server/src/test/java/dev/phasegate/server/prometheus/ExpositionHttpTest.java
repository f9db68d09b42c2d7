package dev.phasegate.server.prometheus;

import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} of a real server: the Prometheus text format, its metric names and labels, and access. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpositionHttpTest {

    static final String T = TestStore.ADMIN_TOKEN;

    /** One sample line of the text format 0.0.4: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    TestStore store;
    TestServer server;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    /** Parses every line, failing on any that is neither a comment nor a well-formed sample. */
    static List<Sample> parse(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line of the text format: %s", line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            String v = m.group(3);
            double value = switch (v) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
            samples.add(new Sample(m.group(1), labels, value));
        }
        return samples;
    }

    private List<Sample> scrape() {
        TestServer.Response r = server.get("/metrics", T);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return parse(r.raw());
    }

    private static List<Sample> named(List<Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    @Test
    void jvm_process_and_host_metrics_are_exposed_under_their_prometheus_names() {
        List<Sample> samples = scrape();
        assertThat(named(samples, "jvm_memory_used_bytes")).anySatisfy(s -> assertThat(s.labels()).containsEntry("area", "heap"));
        assertThat(named(samples, "jvm_threads_live_threads")).singleElement().satisfies(s -> assertThat(s.value()).isPositive());
        assertThat(named(samples, "jvm_classes_loaded_classes")).hasSize(1);
        assertThat(named(samples, "jvm_gc_memory_allocated_bytes_total")).hasSize(1);
        assertThat(named(samples, "process_uptime_seconds")).hasSize(1);
        assertThat(named(samples, "process_cpu_usage")).hasSize(1);
        for (String host : List.of("phasegate_host_cpu_percent", "phasegate_process_cpu_percent", "phasegate_host_memory_used_percent",
                "phasegate_host_memory_used_bytes", "phasegate_host_disk_used_percent", "phasegate_host_disk_free_bytes",
                "phasegate_host_network_receive_bytes_per_second", "phasegate_host_network_transmit_bytes_per_second",
                "phasegate_host_sampler_failures_total", "phasegate_host_samples_total")) {
            assertThat(named(samples, host)).as(host).hasSize(1);
        }
    }

    @Test
    void http_requests_are_labelled_by_route_template_never_by_raw_path() {
        assertThat(server.get("/api/v1/rollouts/raw-key-12345", T).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/rollouts", T).status()).isEqualTo(200);
        assertThat(server.get("/no/such/route-98765", T).status()).isEqualTo(404);

        TestServer.Response r = server.get("/metrics", T);
        assertThat(r.raw()).doesNotContain("raw-key-12345").doesNotContain("route-98765");
        List<Sample> counts = named(parse(r.raw()), "http_server_requests_seconds_count");
        assertThat(counts).anySatisfy(s -> {
            assertThat(s.labels()).containsEntry("method", "GET").containsEntry("route", "/api/v1/rollouts/{key}")
                    .containsEntry("status", "404");
            assertThat(s.value()).isGreaterThanOrEqualTo(1);
        });
        assertThat(counts).anySatisfy(s -> assertThat(s.labels()).containsEntry("route", "/api/v1/rollouts").containsEntry("status", "200"));
        assertThat(counts).anySatisfy(s -> assertThat(s.labels()).containsEntry("route", HttpMetrics.UNMATCHED).containsEntry("status", "404"));
        assertThat(named(parse(r.raw()), "http_server_requests_seconds_bucket"))
                .anySatisfy(s -> assertThat(s.labels()).containsEntry("route", "/api/v1/rollouts").containsEntry("le", "0.1"));
    }

    @Test
    void metrics_need_a_token_with_read_permission_by_default() {
        TestServer.Response anonymous = server.get("/metrics", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(server.get("/metrics", server.token("sdk")).status()).isEqualTo(403);
        assertThat(server.get("/metrics", server.token("operator")).status()).isEqualTo(200);
        // refused scrapes are counted too, under the route's template
        assertThat(named(scrape(), "http_server_requests_seconds_count"))
                .anySatisfy(s -> assertThat(s.labels()).containsEntry("route", "/metrics").containsEntry("status", "401"));
    }

    @Test
    void metrics_are_served_without_a_token_when_metrics_public_is_set() {
        try (TestStore open = TestStore.h2();
             TestServer public_ = TestServer.start(open.settings().withMonitoring(Monitoring.DEFAULTS.withMetricsPublic(true)))) {
            TestServer.Response r = public_.get("/metrics", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(named(parse(r.raw()), "jvm_threads_live_threads")).hasSize(1);
            // the rest of the API is as closed as ever
            assertThat(public_.get("/api/v1/system/metrics", null).status()).isEqualTo(401);
        }
    }

    @Test
    void a_scraper_asking_for_openmetrics_gets_openmetrics() {
        TestServer.Response r = server.send(server.request("/metrics", T)
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").GET().build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(r.raw()).endsWith("# EOF\n").contains("# TYPE jvm_threads_live_threads gauge");
    }

    @Test
    void components_bind_their_meters_to_the_node_registry() {
        io.micrometer.core.instrument.Gauge.builder("phasegate.test.bound", () -> 42).register(server.node().meters());
        assertThat(named(scrape(), "phasegate_test_bound")).singleElement().extracting(Sample::value).isEqualTo(42.0);
    }
}
