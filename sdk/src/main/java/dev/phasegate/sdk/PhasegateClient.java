package dev.phasegate.sdk;

import dev.phasegate.core.gate.Evaluation;
import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.Reason;
import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evaluates Phasegate features in-process. Rules arrive from the server (pushed over SSE, polled as a
 * fallback, ETag-checked) and are evaluated locally by the same core evaluator the server uses.
 * Evaluation never throws and never waits on the network: before the first rules it answers from the
 * bootstrap file, or the caller's default with reason {@code not-ready}.
 *
 * <p>With an {@link PhasegateConfig.Builder#ingestToken ingest token} the client also sends telemetry
 * (the {@code track*} methods): requests, sessions, feature use, feedback and metrics, batched in the
 * background. Tracking never throws and never waits on the network.
 *
 * <pre>{@code
 * try (PhasegateClient phasegate = PhasegateClient.start(
 *         PhasegateConfig.builder(URI.create("http://localhost:8080"), sdkToken).ingestToken(ingestToken).build())) {
 *     if (phasegate.isEnabled("ai-analysis", userId)) {
 *         showAnalysis();
 *         phasegate.trackFeatureUsed(userId, "trading-engine-v2", "ai-analysis");
 *     }
 * }
 * }</pre>
 */
public final class PhasegateClient implements AutoCloseable {

    private static final System.Logger log = System.getLogger("dev.phasegate.sdk");

    private final PhasegateConfig config;
    private final RulesTransport transport;
    private final java.util.concurrent.atomic.AtomicBoolean olderLogged = new java.util.concurrent.atomic.AtomicBoolean();
    /** The server whose snapshot is in use (fetches are sequential: one thread writes it). */
    private volatile java.net.URI snapshotServer;
    private final Backoff fetchBackoff;
    private final Backoff streamBackoff;
    private final ScheduledExecutorService scheduler;
    /** Null when telemetry is off: then every track call is one null check. */
    private final Telemetry telemetry;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean refusalLogged = new AtomicBoolean();
    private final AtomicBoolean garbageLogged = new AtomicBoolean();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final AtomicLong fetches = new AtomicLong();
    private final RulesTransport.StreamHandle stream = new RulesTransport.StreamHandle();
    private final Object scheduling = new Object();
    private ScheduledFuture<?> nextFetch;
    private long nextFetchDue;
    private long scheduled;
    private volatile Duration lastDelay = Duration.ZERO;
    private volatile Evaluator evaluator;
    private volatile String etag;
    private volatile boolean refused;
    private volatile boolean stopped;
    private Thread streamThread;

    private PhasegateClient(PhasegateConfig config) {
        this.config = config;
        this.transport = new RulesTransport(config);
        this.fetchBackoff = new Backoff(config.initialBackoff(), config.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble());
        this.streamBackoff = new Backoff(config.initialBackoff(), config.maxBackoff(), () -> ThreadLocalRandom.current().nextDouble());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-sdk");
            t.setDaemon(true);
            return t;
        });
        this.telemetry = Telemetry.start(config);
    }

    /** Creates a client and starts fetching rules in the background; returns at once. */
    public static PhasegateClient start(PhasegateConfig config) {
        PhasegateClient client = new PhasegateClient(config);
        client.begin();
        return client;
    }

    private void begin() {
        Optional<RulesSnapshot> bootstrap = SnapshotFiles.read(config.bootstrapFile());
        Optional<RulesSnapshot> lastGood = SnapshotFiles.read(config.lastKnownGoodFile());
        Optional<RulesSnapshot> newest = bootstrap.isEmpty() ? lastGood : lastGood.isEmpty() ? bootstrap
                : lastGood.get().version() >= bootstrap.get().version() ? lastGood : bootstrap;
        newest.ifPresent(this::apply);
        scheduleFetch(Duration.ZERO);
        scheduler.scheduleAtFixedRate(this::heartbeat, config.heartbeatInterval().toMillis(), config.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        if (config.streaming()) {
            streamThread = Thread.ofPlatform().daemon().name("phasegate-sdk-stream").start(this::followStream);
            // A stream silent past the idle timeout is half-open (a dead peer, a proxy that dropped it without
            // a reset): reopen it. Checked three times per timeout.
            long check = Math.max(1, config.streamIdleTimeout().toMillis() / 3);
            scheduler.scheduleWithFixedDelay(this::checkStream, check, check, TimeUnit.MILLISECONDS);
        }
    }

    // ---- evaluation: never throws, never blocks ----

    /** Whether {@code userId} gets {@code feature}; false before any rules are known. Allocates nothing. */
    public boolean isEnabled(String feature, String userId) {
        Evaluator e = evaluator;
        return e != null && e.isEnabled(feature, userId);
    }

    /** The feature's value for the user with its reason; {@code defaultValue} when not ready or the feature is unknown. */
    public Result evaluate(String feature, EvaluationContext context, boolean defaultValue) {
        Evaluator e = evaluator;
        if (e == null) {
            return new Result(defaultValue, Result.NOT_READY, 0);
        }
        try {
            Evaluation evaluation = e.evaluate(feature, context == null ? null : context.userId());
            if (evaluation.reason() == Reason.UNKNOWN_FEATURE) {
                return new Result(defaultValue, evaluation.reason().apiName(), e.version());
            }
            return new Result(evaluation.enabled(), evaluation.reason().apiName(), e.version());
        } catch (RuntimeException unexpected) {
            return new Result(defaultValue, "error", e.version());
        }
    }

    /** {@link #evaluate(String, EvaluationContext, boolean)} with default false. */
    public Result evaluate(String feature, EvaluationContext context) {
        return evaluate(feature, context, false);
    }

    /** Every feature of every rollout for the user: key → on/off. Empty before any rules are known. */
    public Map<String, Boolean> features(String userId) {
        Evaluator e = evaluator;
        if (e == null) {
            return Map.of();
        }
        Map<String, Boolean> result = new LinkedHashMap<>();
        for (Evaluation evaluation : e.evaluateAll(userId)) {
            result.put(evaluation.feature(), evaluation.enabled());
        }
        return Collections.unmodifiableMap(result);
    }

    /** The server the client talks to now: the base URL, or a fallback once the base could not be reached. */
    public java.net.URI server() {
        return transport.server();
    }

    /** The version of the rules in use; 0 before any. */
    public long version() {
        Evaluator e = evaluator;
        return e == null ? 0 : e.version();
    }

    public boolean isReady() {
        return evaluator != null;
    }

    /** Waits up to {@code timeout} for the first rules; returns whether they arrived. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- telemetry: never throws, never blocks ----

    /**
     * Records one request the application served: its latency and whether it succeeded. Attributed to
     * {@code rollout} when given (null: the server attributes by user). Does nothing without an ingest token.
     *
     * <pre>{@code
     * long start = System.nanoTime();
     * boolean ok = false;
     * try {
     *     placeOrder(order);
     *     ok = true;
     * } finally {
     *     phasegate.trackRequest(userId, "trading-engine-v2", Duration.ofNanos(System.nanoTime() - start), ok, "/orders");
     * }
     * }</pre>
     *
     * @param userId  the user served, or null
     * @param rollout the rollout key, or null
     * @param latency how long the request took; negative or null is invalid (dropped and counted)
     * @param ok      whether it succeeded ({@code outcome} {@code ok} or {@code error})
     * @param route   the route or operation (e.g. {@code /orders}), or null
     */
    public void trackRequest(String userId, String rollout, Duration latency, boolean ok, String route) {
        Telemetry t = telemetry;
        if (t != null) {
            t.track(new TelemetryEvent.Request(t.now(), userId, rollout, millis(latency), ok, route));
        }
    }

    /** {@link #trackRequest(String, String, Duration, boolean, String)} without rollout or route. */
    public void trackRequest(String userId, Duration latency, boolean ok) {
        trackRequest(userId, null, latency, ok, null);
    }

    /**
     * Records a user session that ended, with its length.
     *
     * <pre>{@code
     * phasegate.trackSession(userId, "trading-engine-v2", Duration.between(loggedInAt, Instant.now()));
     * }</pre>
     */
    public void trackSession(String userId, String rollout, Duration duration) {
        Telemetry t = telemetry;
        if (t != null) {
            t.track(new TelemetryEvent.Session(t.now(), userId, rollout, millis(duration)));
        }
    }

    /** {@link #trackSession(String, String, Duration)} without a rollout. */
    public void trackSession(String userId, Duration duration) {
        trackSession(userId, null, duration);
    }

    /**
     * Records that the user used {@code feature} (a feature key, required).
     *
     * <pre>{@code
     * if (phasegate.isEnabled("ai-analysis", userId)) {
     *     phasegate.trackFeatureUsed(userId, "trading-engine-v2", "ai-analysis");
     * }
     * }</pre>
     */
    public void trackFeatureUsed(String userId, String rollout, String feature) {
        Telemetry t = telemetry;
        if (t != null) {
            t.track(new TelemetryEvent.FeatureUsed(t.now(), userId, rollout, feature));
        }
    }

    /** {@link #trackFeatureUsed(String, String, String)} without a rollout. */
    public void trackFeatureUsed(String userId, String feature) {
        trackFeatureUsed(userId, null, feature);
    }

    /**
     * Records a user's rating, 1 to 5, with an optional comment of at most 2,000 characters. Anything
     * else is invalid: dropped, counted in {@link TelemetryStats#droppedInvalid()}, logged once.
     *
     * <pre>{@code
     * phasegate.trackFeedback(userId, "trading-engine-v2", 4, "faster than before");
     * }</pre>
     */
    public void trackFeedback(String userId, String rollout, int rating, String comment) {
        Telemetry t = telemetry;
        if (t != null) {
            t.track(new TelemetryEvent.Feedback(t.now(), userId, rollout, rating, comment));
        }
    }

    /** {@link #trackFeedback(String, String, int, String)} without a rollout. */
    public void trackFeedback(String userId, int rating, String comment) {
        trackFeedback(userId, null, rating, comment);
    }

    /**
     * Records a custom measurement: {@code name} is a key (e.g. {@code orders.filled}), {@code value} a
     * finite number (NaN and infinities are invalid). {@code userId} and {@code rollout} may be null.
     *
     * <pre>{@code
     * phasegate.trackMetric(null, "trading-engine-v2", "order-book.depth", depth);
     * }</pre>
     */
    public void trackMetric(String userId, String rollout, String name, double value) {
        Telemetry t = telemetry;
        if (t != null) {
            t.track(new TelemetryEvent.Metric(t.now(), userId, rollout, name, value));
        }
    }

    /** {@link #trackMetric(String, String, String, double)} without a rollout. */
    public void trackMetric(String userId, String name, double value) {
        trackMetric(userId, null, name, value);
    }

    /**
     * The telemetry counters since start (all zero while telemetry is off).
     *
     * <pre>{@code
     * TelemetryStats s = phasegate.telemetryStats();
     * metrics.gauge("phasegate.telemetry.queued", s.queued());
     * }</pre>
     */
    public TelemetryStats telemetryStats() {
        Telemetry t = telemetry;
        return t == null ? TelemetryStats.OFF : t.stats();
    }

    /** Milliseconds with sub-millisecond precision; NaN for null, which the event check reports. */
    private static double millis(Duration d) {
        return d == null ? Double.NaN : d.getSeconds() * 1e3 + d.getNano() / 1e6;
    }

    // ---- fetching ----

    /** Uses a snapshot from a file only if it is newer than what we have. */
    private void apply(RulesSnapshot snapshot) {
        Evaluator current = evaluator;
        if (current != null && snapshot.version() < current.version()) {
            return;
        }
        install(snapshot);
    }

    /**
     * Uses the server's snapshot whatever its version: the server is the authority, and a version lower
     * than ours from the same server means its store was restored or replaced, not that its answer is stale
     * (fetches are sequential, so an older answer cannot overtake a newer one). Another server's older
     * answer is refused in {@link #accept}: a node that has not caught up.
     */
    private void install(RulesSnapshot snapshot) {
        evaluator = Evaluator.of(snapshot);
        ready.countDown();
    }

    /** Fetch as soon as possible (a pushed change), replacing any scheduled poll. */
    void fetchNow() {
        scheduleFetch(Duration.ZERO);
    }

    /**
     * Schedules the next fetch in {@code delay}, unless one is already due sooner: a change pushed while a
     * fetch is in flight schedules an immediate re-fetch, which the finishing fetch's next poll must not
     * push back (that lost the change until the next poll).
     */
    private void scheduleFetch(Duration delay) {
        synchronized (scheduling) {
            if (stopped || refused) {
                return;
            }
            long due = System.nanoTime() + delay.toNanos();
            if (nextFetch != null && nextFetchDue - due <= 0) {
                return;
            }
            if (nextFetch != null) {
                nextFetch.cancel(false);
            }
            long generation = ++scheduled;
            lastDelay = delay;
            nextFetchDue = due;
            nextFetch = scheduler.schedule(() -> fetchTick(generation), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void fetchTick(long generation) {
        synchronized (scheduling) {
            if (generation == scheduled) {
                nextFetch = null; // this fetch is under way; whatever is scheduled from now on comes after it
            }
        }
        try {
            fetches.incrementAndGet();
            FetchOutcome outcome = transport.fetch(etag);
            switch (outcome) {
                case FetchOutcome.Changed changed -> {
                    accept(changed);
                    fetchBackoff.reset();
                    scheduleFetch(config.pollInterval());
                }
                case FetchOutcome.NotModified notModified -> {
                    fetchBackoff.reset();
                    scheduleFetch(config.pollInterval());
                }
                case FetchOutcome.Refused refusal -> refuse(refusal.status());
                case FetchOutcome.RateLimited limited -> scheduleFetch(limited.retryAfter());
                case FetchOutcome.Failed failed -> {
                    if (failureLogged.compareAndSet(false, true)) {
                        log.log(System.Logger.Level.WARNING, "cannot fetch Phasegate rules (" + failed.why()
                                + "); evaluating from version " + version() + " and retrying with backoff");
                    }
                    scheduleFetch(fetchBackoff.next());
                }
            }
        } catch (RuntimeException e) {
            // A background loop never dies: count, log, and try again later.
            log.log(System.Logger.Level.WARNING, "unexpected error fetching Phasegate rules", e);
            scheduleFetch(fetchBackoff.next());
        }
    }

    private void accept(FetchOutcome.Changed changed) {
        RulesSnapshot snapshot;
        try {
            snapshot = RulesCodec.decode(changed.body());
        } catch (IllegalArgumentException e) {
            if (garbageLogged.compareAndSet(false, true)) {
                log.log(System.Logger.Level.ERROR, "Phasegate sent rules this SDK cannot read (" + e.getMessage()
                        + "); keeping version " + version());
            }
            return;
        }
        failureLogged.set(false);
        long before = version();
        java.net.URI from = transport.server();
        if (snapshot.version() < before && !from.equals(snapshotServer)) {
            // Another node of the cluster that has not caught up yet (after a failover): do not go back in
            // time; keep the newer rules and ask again (the ETag is not kept, so the next answer is whole).
            // The same server answering older rules is different: its store was restored, and it is the authority.
            if (olderLogged.compareAndSet(false, true)) {
                log.log(System.Logger.Level.INFO, "Phasegate at " + transport.server() + " served rules version "
                        + snapshot.version() + ", older than the " + before + " in use; keeping " + before);
            }
            return;
        }
        olderLogged.set(false);
        install(snapshot);
        snapshotServer = from;
        etag = changed.etag();
        if (version() != before) {
            if (config.lastKnownGoodFile() != null) {
                SnapshotFiles.write(config.lastKnownGoodFile(), changed.body());
            }
            heartbeat();
        }
    }

    private void refuse(int status) {
        refused = true;
        if (refusalLogged.compareAndSet(false, true)) {
            log.log(System.Logger.Level.ERROR, "Phasegate refused the SDK token (HTTP " + status + "); no more requests will be made. "
                    + "Evaluating from version " + version() + ". Check the token (it must be an sdk token).");
        }
        synchronized (scheduling) {
            if (nextFetch != null) {
                nextFetch.cancel(false);
            }
        }
        stream.close();
    }

    private void heartbeat() {
        if (refused || stopped) {
            return;
        }
        try {
            long v = version();
            if (v > 0) {
                transport.heartbeat(v);
            }
        } catch (RuntimeException e) {
            // A thrown exception would cancel the schedule: heartbeats are best effort, go on.
            log.log(System.Logger.Level.DEBUG, "heartbeat failed", e);
        }
    }

    // ---- the stream ----

    private void followStream() {
        while (!stopped && !refused) {
            int status = transport.follow(version(), v -> {
                streamBackoff.reset();
                if (v != version()) {
                    fetchNow();
                }
            }, stream);
            if (stopped || refused) {
                return;
            }
            if (status == 401 || status == 403) {
                refuse(status);
                return;
            }
            // The stream ended or failed: the poll keeps the rules fresh meanwhile; reconnect with backoff and catch up.
            fetchNow();
            Duration wait = status == 200 ? config.initialBackoff() : streamBackoff.next();
            try {
                if (closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void checkStream() {
        try {
            if (stream.abortIfIdle(config.streamIdleTimeout())) {
                log.log(System.Logger.Level.INFO, "the Phasegate stream was silent for " + config.streamIdleTimeout() + "; reconnecting");
            }
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "stream check failed", e);
        }
    }

    // ---- diagnostics for tests ----

    boolean refused() {
        return refused;
    }

    long fetches() {
        return fetches.get();
    }

    Duration lastScheduledDelay() {
        return lastDelay;
    }

    Telemetry telemetry() {
        return telemetry;
    }

    /**
     * Stops the client: sends the telemetry still waiting (for at most 2 s), then stops all background
     * work. Tracking calls after close do nothing.
     */
    @Override
    public void close() {
        if (telemetry != null) {
            telemetry.close();
        }
        stopped = true;
        closed.countDown();
        stream.close();
        scheduler.shutdownNow();
        if (streamThread != null) {
            streamThread.interrupt();
        }
    }
}
