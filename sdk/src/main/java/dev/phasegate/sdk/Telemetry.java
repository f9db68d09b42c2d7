package dev.phasegate.sdk;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client's telemetry: checks each tracked event, buffers it ({@link TelemetryBuffer}) and sends the
 * buffer in batches from one daemon thread, which it owns. Application threads only validate and add to
 * the buffer; every network wait happens on the telemetry thread.
 *
 * <p>The flusher sends whatever is waiting every flush interval, or at once when a batch's worth is
 * waiting. A failed send keeps its events and holds further sends for a while: backoff for network
 * errors and 5xx, {@code Retry-After} for 429, {@link #UNAUTHORIZED_HOLD} for 401/403. While a hold lasts,
 * a full batch does not cut it short; the buffer's bound decides what is kept.
 */
final class Telemetry {

    /** The largest batch sent: well under the server's 10,000, so one slow request holds little. */
    static final int MAX_BATCH_EVENTS = 1_000;
    /** The server's limit on a request body (1 MiB). */
    static final int MAX_BATCH_BYTES = 1 << 20;
    /** A wrong ingest token is a configuration problem that someone has to fix; ask rarely meanwhile. */
    static final Duration UNAUTHORIZED_HOLD = Duration.ofMinutes(10);
    /** How long {@link #close()} waits for the last events to go out, so shutting down stays quick. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** Distinct reasons logged; beyond this (a server inventing field names) we stay quiet. */
    private static final int MAX_LOGGED_REASONS = 200;

    private static final System.Logger log = System.getLogger("dev.phasegate.sdk");

    private final PhasegateConfig config;
    private final TelemetryBuffer buffer;
    private final TelemetryTransport transport;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    /** A flush starts as soon as this many events wait: a batch, or half a small buffer so new events still fit. */
    private final int flushThreshold;
    private final LongAdder droppedInvalid = new LongAdder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejectedByServer = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final Set<String> loggedReasons = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object scheduling = new Object();
    private ScheduledFuture<?> next;
    private long nextDue;
    private long scheduled;
    /** System.nanoTime() before which no batch is sent (after a failure); meaningful while {@link #holding}. */
    private volatile long holdUntil;
    private volatile boolean holding;
    private volatile boolean unauthorized;
    private volatile boolean stopped;
    private volatile Duration lastWait = Duration.ZERO;
    // Touched by the telemetry thread only.
    private boolean failureLogged;
    private boolean unauthorizedLogged;

    private Telemetry(PhasegateConfig config, TelemetryTransport transport) {
        this.config = config;
        this.transport = transport;
        this.buffer = new TelemetryBuffer(config.telemetryBufferSize());
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble());
        this.flushThreshold = Math.min(MAX_BATCH_EVENTS, Math.max(1, config.telemetryBufferSize() / 2));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-sdk-telemetry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts telemetry, or returns null when it is off (no ingest token): then nothing runs and nothing is held. */
    static Telemetry start(PhasegateConfig config) {
        if (!config.telemetryEnabled()) {
            return null;
        }
        Telemetry telemetry = new Telemetry(config, new TelemetryTransport(config));
        telemetry.scheduleFlush(config.telemetryFlushInterval());
        return telemetry;
    }

    /** Now, for event timestamps. */
    long now() {
        return config.clock().millis();
    }

    /** Queues a valid event, or counts and drops an invalid one. Never throws, never waits on I/O. */
    void track(TelemetryEvent event) {
        if (stopped) {
            return;
        }
        try {
            Optional<TelemetryEvent.Invalid> problem = event.problem();
            if (problem.isPresent()) {
                droppedInvalid.increment();
                logOnce(problem.get().reason(), System.Logger.Level.WARNING, "Phasegate telemetry: dropped an invalid event: "
                        + problem.get().detail() + " (logged once per reason; counted in telemetryStats().droppedInvalid())");
                return;
            }
            int waiting = buffer.add(event);
            if (waiting >= flushThreshold && !holding && wakePending.compareAndSet(false, true)) {
                scheduleFlush(Duration.ZERO);
            }
        } catch (RuntimeException unexpected) {
            // Tracking must never hurt the caller: count it as invalid and say so once.
            droppedInvalid.increment();
            logOnce("unexpected", System.Logger.Level.WARNING, "Phasegate telemetry: could not queue an event: " + unexpected);
        }
    }

    TelemetryStats stats() {
        return new TelemetryStats(buffer.queued(), sent.get(), buffer.droppedOverflow(), droppedInvalid.sum(),
                rejectedByServer.get(), failedBatches.get());
    }

    /** The wait the flusher chose after its last round: the flush interval, a backoff, Retry-After. For tests. */
    Duration lastWait() {
        return lastWait;
    }

    /**
     * Waits until the telemetry thread has run everything already due (one thread, due tasks in order):
     * lets a test see that a wake-up was not scheduled, without waiting on time.
     */
    void awaitDueWork(Duration timeout) throws Exception {
        scheduler.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- the flusher (telemetry thread) ----

    /** Schedules a flush in {@code delay} unless one is due sooner (same scheme as the rules fetch). */
    private void scheduleFlush(Duration delay) {
        synchronized (scheduling) {
            if (stopped) {
                return;
            }
            long due = System.nanoTime() + delay.toNanos();
            if (next != null && nextDue - due <= 0) {
                return;
            }
            if (next != null) {
                next.cancel(false);
            }
            long generation = ++scheduled;
            nextDue = due;
            // In nanoseconds: a tick must not fire before the hold it follows ends (milliseconds would round down).
            next = scheduler.schedule(() -> flushTick(generation), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void flushTick(long generation) {
        synchronized (scheduling) {
            if (generation == scheduled) {
                next = null; // from now on a wake-up schedules a new flush, to run after this one
            }
        }
        // After clearing `next`: an event added before this line is drained below, one after it wakes a new flush.
        wakePending.set(false);
        Duration wait;
        try {
            wait = drain();
        } catch (RuntimeException e) {
            // A background loop never dies: log, count, and try again later.
            log.log(System.Logger.Level.WARNING, "Phasegate telemetry: unexpected error sending events", e);
            failedBatches.incrementAndGet();
            wait = hold(backoff.next());
        }
        lastWait = wait;
        scheduleFlush(wait);
    }

    /** Sends batches until none is waiting or one fails; returns when to flush next. */
    private Duration drain() {
        if (holding) {
            long left = holdUntil - System.nanoTime();
            if (left > 0) {
                return Duration.ofNanos(left);
            }
            holding = false;
        }
        while (!stopped) {
            List<TelemetryEvent> batch = buffer.take(MAX_BATCH_EVENTS);
            if (batch.isEmpty()) {
                break;
            }
            Duration retry = send(batch, config.requestTimeout());
            if (retry != null) {
                return hold(retry);
            }
        }
        return config.telemetryFlushInterval();
    }

    private Duration hold(Duration wait) {
        holdUntil = System.nanoTime() + wait.toNanos();
        holding = true;
        return wait;
    }

    /**
     * Sends the events taken, as many as fit in one request, and settles them by the answer. Returns null
     * to go on with the next batch, or how long to wait before trying again.
     */
    private Duration send(List<TelemetryEvent> taken, Duration timeout) {
        int count = 0;
        byte[] body;
        try {
            StringBuilder json = new StringBuilder(taken.size() * 160).append('[');
            long bytes = 2;
            for (TelemetryEvent event : taken) {
                int mark = json.length();
                if (count > 0) {
                    json.append(',');
                }
                event.appendJson(json);
                long size = utf8Length(json, mark);
                if (count > 0 && bytes + size > MAX_BATCH_BYTES) {
                    json.setLength(mark);
                    break;
                }
                bytes += size;
                count++;
            }
            body = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            // Cannot happen for checked events; if it does, retrying the same events would fail forever.
            buffer.settle(taken.size());
            droppedInvalid.add(taken.size());
            throw e;
        }
        if (count < taken.size()) {
            buffer.giveBack(taken.subList(count, taken.size())); // first in line for the next request
        }
        TelemetryOutcome outcome;
        try {
            outcome = transport.send(body, count, timeout);
        } catch (RuntimeException e) {
            outcome = new TelemetryOutcome.Failed(e.toString());
        }
        List<TelemetryEvent> batch = taken.subList(0, count);
        switch (outcome) {
            case TelemetryOutcome.Accepted accepted -> {
                buffer.settle(count);
                int rejected = accepted.rejectedIndexes().size();
                sent.addAndGet(count - rejected);
                rejectedByServer.addAndGet(rejected);
                for (TelemetryOutcome.Rejection r : accepted.rejections()) {
                    logOnce("server." + r.field(), System.Logger.Level.WARNING, "Phasegate rejected a telemetry event: " + r.field()
                            + ": " + r.detail() + " (logged once per field; counted in telemetryStats().rejectedByServer())");
                }
                backoff.reset();
                failureLogged = false;
                unauthorized = false;
                return null;
            }
            case TelemetryOutcome.Refused refused -> {
                buffer.settle(count);
                rejectedByServer.addAndGet(count);
                failedBatches.incrementAndGet();
                logOnce("status." + refused.status(), System.Logger.Level.WARNING, "Phasegate refused a batch of " + count
                        + " telemetry events (HTTP " + refused.status() + "): " + refused.detail() + "; the batch is dropped (logged once per status)");
                return null;
            }
            case TelemetryOutcome.Unauthorized u -> {
                buffer.giveBack(batch);
                failedBatches.incrementAndGet();
                unauthorized = true;
                if (!unauthorizedLogged) {
                    unauthorizedLogged = true;
                    log.log(System.Logger.Level.ERROR, "Phasegate refused the ingest token (HTTP " + u.status() + "); telemetry is paused for "
                            + UNAUTHORIZED_HOLD + " at a time, keeping the newest " + buffer.capacity()
                            + " events. Check the token (it must be an ingest token).");
                }
                return UNAUTHORIZED_HOLD;
            }
            case TelemetryOutcome.RateLimited limited -> {
                buffer.giveBack(batch);
                failedBatches.incrementAndGet();
                return limited.retryAfter() != null ? limited.retryAfter() : backoff.next();
            }
            case TelemetryOutcome.Failed failed -> {
                buffer.giveBack(batch);
                failedBatches.incrementAndGet();
                if (!failureLogged) {
                    failureLogged = true;
                    log.log(System.Logger.Level.WARNING, "cannot send Phasegate telemetry (" + failed.why()
                            + "); keeping up to " + buffer.capacity() + " events and retrying with backoff");
                }
                return backoff.next();
            }
        }
    }

    /** UTF-8 size of {@code text} from {@code from}: what the server counts against its 1 MiB. */
    static long utf8Length(CharSequence text, int from) {
        long n = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            // A surrogate pair is 4 bytes, 2 per char; lone surrogates were escaped as ASCII by Json.
            n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    private void logOnce(String reason, System.Logger.Level level, String message) {
        if (loggedReasons.size() < MAX_LOGGED_REASONS && loggedReasons.add(reason)) {
            log.log(level, message);
        }
    }

    // ---- closing ----

    /**
     * Stops tracking, sends what is left (for at most {@link #CLOSE_TIMEOUT}; not while the token is
     * refused), then stops the thread and aborts anything still in flight.
     */
    void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        synchronized (scheduling) {
            stopped = true; // the round under way ends after its current batch; tracking does nothing from now on
            if (next != null) {
                next.cancel(false);
            }
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        Future<?> last = scheduler.submit(() -> flushRemaining(deadline));
        try {
            last.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.log(System.Logger.Level.INFO, "Phasegate telemetry: gave up sending at close after " + CLOSE_TIMEOUT);
        } catch (ExecutionException e) {
            log.log(System.Logger.Level.WARNING, "Phasegate telemetry: could not send at close", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
            transport.shutdownNow();
        }
        int left = buffer.queued();
        if (left > 0) {
            log.log(System.Logger.Level.INFO, "Phasegate telemetry: " + left + " events were not sent before close");
        }
    }

    private void flushRemaining(long deadline) {
        if (unauthorized) {
            return;
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            List<TelemetryEvent> batch = buffer.take(MAX_BATCH_EVENTS);
            if (batch.isEmpty()) {
                return;
            }
            Duration timeout = Duration.ofNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(1)));
            if (send(batch, timeout.compareTo(config.requestTimeout()) < 0 ? timeout : config.requestTimeout()) != null) {
                return; // it failed: one attempt at close, no backoff
            }
        }
    }
}
