package dev.phasegate.server.prometheus;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * {@code http_server_requests_seconds} by method, route template and status. The route is the template a
 * request matched ({@code /api/v1/rollouts/{key}}), never the raw path, so the number of series stays
 * bounded by the routes the server has, whatever clients send.
 */
final class HttpMetrics {

    static final String METRIC = "http.server.requests";
    /** Label value for requests that matched no route (404s): their paths are whatever a client typed. */
    static final String UNMATCHED = "unmatched";
    private static final String STARTED = "phasegate.metrics.started";
    /**
     * Buckets of the Prometheus client's default histogram (5 ms to 10 s): fixed, so the series per route
     * stay at a dozen rather than Micrometer's ~70 percentile buckets.
     */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private HttpMetrics() {
    }

    static void install(Javalin app, MeterRegistry registry) {
        app.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        // After-handlers run for every request, also when a handler or the access check threw, so 4xx and 5xx
        // answers are counted with the status actually sent.
        app.after(ctx -> {
            Long started = ctx.attribute(STARTED);
            if (started == null) {
                return;
            }
            Timer.builder(METRIC)
                    .description("HTTP requests served, by method, route template and status")
                    .tag("method", ctx.method().name())
                    .tag("route", route(ctx))
                    .tag("status", String.valueOf(ctx.statusCode()))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - started));
        });
    }

    static String route(Context ctx) {
        String template;
        try {
            template = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            template = null;
        }
        // For a request no route matched, Javalin answers a sentence ("No handler matched ...") here.
        return template == null || !template.startsWith("/") ? UNMATCHED : template;
    }
}
