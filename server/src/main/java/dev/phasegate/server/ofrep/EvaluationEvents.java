package dev.phasegate.server.ofrep;

import dev.phasegate.server.http.Json;
import dev.phasegate.server.sdk.PublishedRules;
import dev.phasegate.server.sdk.RulesCache;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The OFREP event stream (ADR-0008): every open stream hears one {@code refetchEvaluation} event each time
 * the rules change, and re-fetches its bulk evaluation. Notification only: no flag values travel here, so
 * the stream never has to know a client's context. The one owner of the open streams.
 *
 * <p>Wire format, as the ADR fixes it: the SSE {@code event:} field is always {@code message} ("providers
 * must inspect {@code data.type}"), {@code data} is JSON {@code {"type":"refetchEvaluation","etag":...,
 * "lastModified":...}}, and {@code id} is the rules version, so a reconnecting client's {@code Last-Event-ID}
 * says which change it saw last.
 */
final class EvaluationEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EvaluationEvents.class);

    /** Under the 30–60 s idle timeouts of common proxies and load balancers (as the SDK stream). */
    static final long HEARTBEAT_SECONDS = 15;
    static final String EVENT = "message";
    static final String REFETCH = "refetchEvaluation";

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    /** One virtual thread per send, so a slow client never holds up the rules thread or the others. */
    private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "phasegate-ofrep-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final RulesCache rules;
    private final Consumer<PublishedRules> subscription = this::push;

    EvaluationEvents(RulesCache rules) {
        this.rules = rules;
        rules.subscribe(subscription);
        heartbeats.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** A new stream. */
    void connect(SseClient client) {
        client.ctx().header("X-Accel-Buffering", "no");
        clients.add(client);
        client.onClose(() -> clients.remove(client));
        // A comment first: it tells the client (and a test) the stream is registered, and flushes the headers
        // through proxies that wait for a first byte.
        client.sendComment("connected");
        // ADR-0008: "servers that support replay should ... replay missed events when Last-Event-ID is
        // provided". Every change is the same instruction (re-fetch), so the missed ones collapse into one.
        // Without Last-Event-ID nothing is sent: the ADR has the provider re-fetch after every (re)connect.
        long last = lastEventId(client.ctx());
        PublishedRules current = rules.current();
        if (last >= 0 && last < current.version()) {
            send(client, current);
        }
        client.keepAlive();
    }

    private static long lastEventId(Context ctx) {
        String id = ctx.header("Last-Event-ID");
        if (id == null) {
            return -1;
        }
        try {
            return Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return -1; // not one of ours: treat the client as new
        }
    }

    private void push(PublishedRules published) {
        for (SseClient client : clients) {
            fanOut.execute(() -> send(client, published));
        }
    }

    private void send(SseClient client, PublishedRules published) {
        if (client.terminated()) {
            clients.remove(client);
            return;
        }
        OfrepBody.RefetchEvent event = new OfrepBody.RefetchEvent(REFETCH, published.etag(),
                published.publishedAt().getEpochSecond());
        client.sendEvent(EVENT, Json.write(event), String.valueOf(published.version()));
    }

    private void heartbeat() {
        try {
            for (SseClient client : clients) {
                fanOut.execute(() -> {
                    if (client.terminated()) {
                        clients.remove(client);
                    } else {
                        client.sendComment("heartbeat");
                    }
                });
            }
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule (a thrown exception would).
            log.warn("OFREP event stream heartbeat failed; trying again in {} s", HEARTBEAT_SECONDS, e);
        }
    }

    @Override
    public void close() {
        rules.unsubscribe(subscription);
        heartbeats.shutdownNow();
        clients.forEach(SseClient::close);
        fanOut.shutdownNow();
    }
}
