package dev.phasegate.server.ofrep;

import dev.phasegate.server.http.EventStreams;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.sdk.PublishedRules;
import dev.phasegate.server.sdk.RulesCache;
import io.javalin.http.sse.SseClient;

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

    static final String EVENT = "message";
    static final String REFETCH = "refetchEvaluation";

    private final EventStreams streams = new EventStreams("ofrep");
    private final RulesCache rules;
    private final Consumer<PublishedRules> subscription = this::push;

    EvaluationEvents(RulesCache rules) {
        this.rules = rules;
        rules.subscribe(subscription);
    }

    /** A new stream. */
    void connect(SseClient client) {
        streams.connect(client, c -> {
            // A comment first: it tells the client (and a test) the stream is registered, and flushes the
            // headers through proxies that wait for a first byte.
            c.sendComment("connected");
            // ADR-0008: "servers that support replay should ... replay missed events when Last-Event-ID is
            // provided". Every change is the same instruction (re-fetch), so the missed ones collapse into one.
            // Without Last-Event-ID nothing is sent: the ADR has the provider re-fetch after every (re)connect.
            long last = EventStreams.lastEventId(c.ctx());
            PublishedRules current = rules.current();
            if (last >= 0 && last < current.version()) {
                send(c, current);
            }
        });
    }

    private void push(PublishedRules published) {
        streams.broadcast(client -> send(client, published));
    }

    private void send(SseClient client, PublishedRules published) {
        OfrepBody.RefetchEvent event = new OfrepBody.RefetchEvent(REFETCH, published.etag(),
                published.publishedAt().getEpochSecond());
        client.sendEvent(EVENT, Json.write(event), String.valueOf(published.version()));
    }

    @Override
    public void close() {
        rules.unsubscribe(subscription);
        streams.close();
    }
}
