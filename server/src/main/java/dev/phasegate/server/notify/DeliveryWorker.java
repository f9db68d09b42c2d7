package dev.phasegate.server.notify;

import dev.phasegate.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Sends what the outbox holds: every second it claims the due messages, sends each (in parallel, so one
 * hanging webhook delays no other message), and records every attempt. Failures that may pass are retried
 * by {@link RetryPolicy}; the rest, and the last attempt, leave the message failed. It runs apart from every
 * caller, so an unreachable mail server or webhook never slows a rollback.
 *
 * <pre>{@code
 * DeliveryWorker worker = DeliveryWorker.start(db, outbox, settings.notifications(), key, registry, clock);
 * ...
 * worker.close();
 * }</pre>
 */
public final class DeliveryWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    /**
     * Polling period. A second is as soon as people notice an email; a poll of an indexed empty queue costs
     * well under a millisecond, so no wake-up signal is needed.
     */
    static final Duration POLL = Duration.ofSeconds(1);
    /** Messages claimed per round; a tick goes on claiming while whole batches come back. */
    static final int BATCH = 50;
    /** Rounds per tick at most, so a flood of 10,000 notices does not starve the next tick's schedule. */
    private static final int MAX_ROUNDS = 40;

    private final Database db;
    private final Outbox outbox;
    private final Map<Channel, Sender> senders;
    private final RetryPolicy policy;
    private final RandomGenerator random;
    private final Clock clock;
    /** How long a claimed message stays with this worker: well beyond the slowest send (SMTP's three timeouts). */
    private final Duration lease;
    private final ExecutorService sending = Executors.newVirtualThreadPerTaskExecutor();
    private volatile ScheduledExecutorService ticks;
    private final AtomicLong tickFailures = new AtomicLong();
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final Counter loopFailures;

    DeliveryWorker(Database db, Outbox outbox, Map<Channel, Sender> senders, RetryPolicy policy, RandomGenerator random,
                   Duration lease, MeterRegistry registry, Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.senders = Map.copyOf(senders);
        this.policy = policy;
        this.random = random;
        this.lease = lease;
        this.clock = clock;
        this.delivered = Counter.builder("phasegate_notifications_delivered").description("notifications delivered").register(registry);
        this.retried = Counter.builder("phasegate_notifications_retried").description("failed attempts to be retried").register(registry);
        this.failed = Counter.builder("phasegate_notifications_failed").description("notifications given up").register(registry);
        this.loopFailures = Counter.builder("phasegate_notification_worker_failures")
                .description("delivery rounds that failed (store unreachable, a bug); the worker goes on").register(registry);
    }

    /** A worker with email and webhook senders from {@code settings}; call {@link #start()} to run it. */
    public static DeliveryWorker create(Database db, Outbox outbox, dev.phasegate.server.config.Notifications settings, SigningKey key,
                                        MeterRegistry registry, Clock clock) {
        Duration lease = Duration.ofMillis(3L * EmailSender.SMTP_TIMEOUT_MILLIS).plus(settings.webhookTimeout()).plusSeconds(30);
        return new DeliveryWorker(db, outbox, Map.of(Channel.EMAIL, new EmailSender(settings),
                Channel.WEBHOOK, new WebhookSender(settings.webhookTimeout(), key, clock)), RetryPolicy.DEFAULT,
                new java.security.SecureRandom(), lease, registry, clock);
    }

    /** Starts polling every {@link #POLL}. On the embedded store, first frees the leases of a process that died. */
    public DeliveryWorker start() {
        if (db.embedded()) {
            int freed = db.inTransaction(outbox::releaseLeases);
            if (freed > 0) {
                log.info("{} notifications were being sent when the last process stopped; sending them again", freed);
            }
        }
        ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-notifications");
            t.setDaemon(true);
            return t;
        });
        ticks.scheduleWithFixedDelay(this::tick, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One tick: never throws, so the schedule never stops. */
    void tick() {
        try {
            runOnce();
        } catch (Throwable e) {
            tickFailures.incrementAndGet();
            loopFailures.increment();
            log.warn("notification delivery round failed; retrying in {} ms", POLL.toMillis(), e);
        }
    }

    /** Claims and sends due messages until none are due; returns how many attempts were made. */
    public int runOnce() {
        int attempts = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Instant now = clock.instant();
            List<Outbox.Claimed> claimed = db.inTransaction(h -> outbox.claim(h, now, now.plus(lease), BATCH));
            if (claimed.isEmpty()) {
                break;
            }
            List<Future<?>> running = new ArrayList<>(claimed.size());
            for (Outbox.Claimed m : claimed) {
                running.add(sending.submit(() -> deliver(m)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return attempts;
                } catch (java.util.concurrent.ExecutionException e) {
                    // deliver() logged it; the lease brings the message back
                }
            }
            attempts += claimed.size();
            if (claimed.size() < BATCH) {
                break;
            }
        }
        return attempts;
    }

    private void deliver(Outbox.Claimed m) {
        int attempt = m.attempts() + 1;
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Delivery outcome;
        try {
            outcome = senders.get(m.channel()).send(m);
        } catch (RuntimeException e) {
            outcome = Delivery.retry("unexpected error while sending: " + e);
            log.warn("sending notification {} ({}) failed unexpectedly", m.id(), m.kind(), e);
        }
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        if (outcome.outcome() == Delivery.Outcome.RETRY && attempt >= policy.maxAttempts()) {
            outcome = Delivery.failed(outcome.error() + " (gave up after " + attempt + " attempts)");
        }
        MessageStatus status = switch (outcome.outcome()) {
            case DELIVERED -> MessageStatus.DELIVERED;
            case RETRY -> MessageStatus.PENDING;
            case FAILED -> MessageStatus.FAILED;
        };
        Instant next = status == MessageStatus.PENDING ? clock.instant().plus(policy.delayAfter(attempt, random)) : null;
        Delivery recorded = outcome;
        try {
            db.inTransaction(h -> {
                outbox.record(h, m.id(), attempt, started, recorded, durationMs, status, next);
                return null;
            });
        } catch (RuntimeException e) {
            // Sent but not recorded: the lease lapses and it is sent again, with the same idempotency key.
            log.warn("notification {} ({}): attempt {} ended {} but could not be recorded", m.id(), m.kind(), attempt,
                    recorded.outcome().apiName(), e);
            throw e;
        }
        switch (status) {
            case DELIVERED -> delivered.increment();
            case PENDING -> {
                retried.increment();
                log.info("notification {} ({} to {}) attempt {} failed, retrying at {}: {}", m.id(), m.kind(), m.channel(), attempt,
                        next, recorded.error());
            }
            case FAILED -> {
                failed.increment();
                log.warn("notification {} ({} to {}) failed after attempt {}: {}", m.id(), m.kind(), m.channel(), attempt, recorded.error());
            }
        }
    }

    /** Rounds that failed as a whole since start (each is logged and counted). */
    public long tickFailures() {
        return tickFailures.get();
    }

    /**
     * Stops polling (the node no longer leads): sends under way finish, their leases keep others from
     * sending them twice. {@link #start} starts polling again.
     */
    public void stop() {
        ScheduledExecutorService t = ticks;
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        sending.shutdownNow();
    }
}
