package dev.phasegate.server.ui;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.EventStreams;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code GET /ui/stream}: the dashboards' server-sent events. Each event only says what changed
 * ({@code {"topic": "alerts", "rollout": "checkout-v2"}}); the page re-reads the JSON it shows, so the
 * stream never carries data a page's reader could not fetch anyway, and a missed event costs nothing but
 * a late refresh. Changes are gathered and sent every {@link #FLUSH_MILLIS} ms: a burst (an enrollment
 * flood, a rollback's many steps) becomes one event per topic, and listeners that run inside a
 * transaction are heard after it commits.
 */
public final class UiStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UiStream.class);

    /** Topics: what a page may re-read. */
    public static final String ROLLOUTS = "rollouts", TELEMETRY = "telemetry", ALERTS = "alerts", INCIDENTS = "incidents",
            DECISIONS = "decisions";
    /** Fast enough to feel live, slow enough to merge a burst (and to outlast the transaction that told us). */
    static final long FLUSH_MILLIS = 500;
    /** Telemetry is checked every 2 s: a page showing per-10 s buckets gains nothing from more. */
    static final int TELEMETRY_EVERY_TICKS = 4;

    private record Change(String topic, String rollout) {
    }

    private final EventStreams streams = new EventStreams("ui");
    private final Set<Change> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final LongSupplier telemetryEvents;
    private final ScheduledExecutorService ticker;
    private long lastTelemetry;
    private long ticks;
    private final AtomicLong failures = new AtomicLong();

    private UiStream(LongSupplier telemetryEvents) {
        this.telemetryEvents = telemetryEvents;
        this.lastTelemetry = telemetryEvents.getAsLong();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-ui-stream");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers {@code GET /ui/stream} (any caller that may read: a signed-in person, or a token).
     *
     * @param telemetryEvents a counter of stored telemetry events: when it moves, pages showing telemetry re-read
     */
    public static UiStream register(HttpApi http, LongSupplier telemetryEvents) {
        UiStream stream = new UiStream(telemetryEvents);
        SseHandler handler = new SseHandler(stream::connect);
        http.app().get("/ui/stream", ctx -> {
            // Javalin streams only for this Accept header and otherwise answers an empty 200.
            String accept = ctx.header("Accept");
            if (accept == null || !accept.contains("text/event-stream")) {
                throw new PhasegateException.Invalid(new Problem("Accept", "this is a server-sent event stream: send 'Accept: text/event-stream'"));
            }
            handler.handle(ctx);
        }, Permission.READ);
        return stream;
    }

    /** Notes a change; it is sent with the next flush. Never throws (listeners call it inside transactions). */
    public void changed(String topic, String rollout) {
        try {
            pending.add(new Change(topic, rollout));
        } catch (RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    private void connect(SseClient client) {
        streams.connect(client, c -> c.sendEvent("hello", Map.of("topics", List.of(ROLLOUTS, TELEMETRY, ALERTS, INCIDENTS, DECISIONS))));
    }

    private void tick() {
        try {
            if (++ticks % TELEMETRY_EVERY_TICKS == 0) {
                long now = telemetryEvents.getAsLong();
                if (now != lastTelemetry) {
                    lastTelemetry = now;
                    pending.add(new Change(TELEMETRY, null));
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            List<Change> batch = new ArrayList<>(pending);
            pending.removeAll(batch);
            for (Change change : batch) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("topic", change.topic());
                data.put("rollout", change.rollout());
                String id = String.valueOf(ids.incrementAndGet());
                streams.broadcast(client -> client.sendEvent("changed", data, id));
            }
        } catch (RuntimeException e) {
            // A thrown exception would cancel the schedule: count, log and go on.
            failures.incrementAndGet();
            log.warn("ui stream tick failed; trying again in {} ms", FLUSH_MILLIS, e);
        }
    }

    /** Streams open now. */
    public int openStreams() {
        return streams.size();
    }

    /** Ticks that failed, and changes that could not be noted. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        streams.close();
    }
}
