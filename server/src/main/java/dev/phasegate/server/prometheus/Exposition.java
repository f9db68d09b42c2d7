package dev.phasegate.server.prometheus;

import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The node's one meter registry and its Prometheus exposition. Other components bind to {@link #registry()}:
 *
 * <pre>{@code
 * Exposition exposition = new Exposition();
 * exposition.bind(new TelemetryMeters(ingest));          // a MeterBinder
 * Gauge.builder("phasegate.guards.firing", guards, Guards::firing).register(exposition.registry());
 * exposition.register(http, settings.monitoring().metricsPublic());
 * }</pre>
 */
public final class Exposition implements AutoCloseable {

    /**
     * The two text formats, as the Prometheus client's writers name them (its exposition module is a runtime
     * dependency of Micrometer's registry, so the constants are repeated here rather than compiled against).
     */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** A registry with JVM (memory, GC, threads, classes), process (CPU, files) and uptime meters bound. */
    public Exposition() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry every component of this node registers its meters with. */
    public MeterRegistry registry() {
        return registry;
    }

    public void bind(MeterBinder binder) {
        binder.bindTo(registry);
    }

    /**
     * Adds {@code GET /metrics} and the HTTP server metrics. {@code /metrics} needs a token with
     * {@link Permission#READ} unless {@code metricsPublic}; a route without roles is public in {@link HttpApi}.
     */
    public void register(HttpApi http, boolean metricsPublic) {
        HttpMetrics.install(http.app(), registry);
        Handler scrape = ctx -> scrape(ctx);
        if (metricsPublic) {
            http.app().get("/metrics", scrape);
        } else {
            http.app().get("/metrics", scrape, Permission.READ);
        }
    }

    private void scrape(Context ctx) {
        // OpenMetrics when the scraper asks for it (Prometheus does), else the classic text format 0.0.4,
        // which every Prometheus version and most tools read. Never protobuf: text is enough at this size.
        String accept = ctx.header("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text")
                ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        ctx.contentType(type).result(scrape(type));
    }

    /** The exposition in {@code contentType} (one of the two text formats). */
    byte[] scrape(String contentType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(out, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
