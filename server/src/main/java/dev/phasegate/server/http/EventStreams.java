package dev.phasegate.server.http;

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
 * A set of open server-sent event streams: the one owner of its clients. Sends go out on one virtual
 * thread each, so a slow client never holds up the caller or the others; a heartbeat comment keeps idle
 * streams open through proxies; closed clients are dropped as they are noticed.
 */
public final class EventStreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    /** Under the 30–60 s idle timeouts of common proxies and load balancers. */
    public static final long HEARTBEAT_SECONDS = 15;

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService heartbeats;
    private final String name;

    /** @param name for thread names and logs, e.g. {@code sdk} or {@code ofrep} */
    public EventStreams(String name) {
        this.name = name;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-" + name + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Registers a new stream, lets {@code greet} send it what it needs first, and keeps it open. */
    public void connect(SseClient client, Consumer<SseClient> greet) {
        client.ctx().header("X-Accel-Buffering", "no");
        clients.add(client);
        client.onClose(() -> clients.remove(client));
        synchronized (client) {
            greet.accept(client);
        }
        client.keepAlive();
    }

    /** Sends to every open stream. */
    public void broadcast(Consumer<SseClient> send) {
        for (SseClient client : clients) {
            fanOut.execute(() -> {
                // One writer at a time per client: a heartbeat and an event must not interleave on the wire.
                synchronized (client) {
                    if (client.terminated()) {
                        clients.remove(client);
                    } else {
                        send.accept(client);
                    }
                }
            });
        }
    }

    /** The {@code Last-Event-ID} a reconnecting client sent, as a number; -1 if none or not ours. */
    public static long lastEventId(Context ctx) {
        String id = ctx.header("Last-Event-ID");
        if (id == null) {
            return -1;
        }
        try {
            return Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public int size() {
        return clients.size();
    }

    private void heartbeat() {
        try {
            broadcast(client -> client.sendComment("heartbeat"));
        } catch (RuntimeException e) {
            // A thrown exception would cancel the schedule: log and go on.
            log.warn("{} stream heartbeat failed; trying again in {} s", name, HEARTBEAT_SECONDS, e);
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        clients.forEach(SseClient::close);
        fanOut.shutdownNow();
    }
}
