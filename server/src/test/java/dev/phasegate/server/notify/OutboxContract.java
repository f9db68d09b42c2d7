package dev.phasegate.server.notify;

import dev.phasegate.server.config.Notifications;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the outbox and the delivery worker must do on every store: idempotent enqueue inside the caller's
 * transaction, claims that two workers never share, retries with backoff up to a limit, and exactly one
 * recorded outcome however often a message was sent. Senders are scripted; time is a {@link TestClock}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxContract {

    static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(2);

    TestStore store;
    Database db;
    TestClock clock;
    Outbox outbox;
    /** Outcomes the scripted sender returns, in order; empty means delivered. */
    Deque<Delivery> script;
    List<String> sent;
    DeliveryWorker worker;
    String rollout;

    abstract TestStore.Kind kind();

    @BeforeAll
    void open() {
        store = TestStore.create(kind());
        db = Database.open(store.settings());
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void fresh(TestInfo info) {
        clock = new TestClock(START);
        outbox = new Outbox(clock);
        script = new ArrayDeque<>();
        sent = new ArrayList<>();
        Sender scripted = m -> {
            sent.add(m.idempotencyKey());
            Delivery next = script.poll();
            return next == null ? Delivery.delivered() : next;
        };
        worker = new DeliveryWorker(db, outbox, Map.of(Channel.EMAIL, scripted, Channel.WEBHOOK, scripted), RetryPolicy.DEFAULT,
                new Random(7), LEASE, new SimpleMeterRegistry(), clock);
        // Each test its own rollout label, so tests share one store without seeing each other's messages.
        rollout = "r-" + info.getTestMethod().orElseThrow().getName().hashCode();
        db.withHandle(h -> h.createUpdate("UPDATE outbox SET status = 'FAILED' WHERE status = 'PENDING'").execute());
    }

    OutgoingMessage email(String key) {
        return new OutgoingMessage(rollout + ":" + key, Channel.EMAIL, "ada@example.com", null, "Subject " + key, "Body " + key,
                Map.of(), rollout, null, "user.enrolled");
    }

    Outbox.StoredMessage stored(String key) {
        return db.withHandle(h -> outbox.findByKey(h, rollout + ":" + key)).orElseThrow();
    }

    @Test
    void a_duplicate_enqueue_is_a_no_op_and_the_callers_transaction_goes_on() {
        boolean first = db.inTransaction(h -> outbox.enqueue(h, email("k1")));
        // On PostgreSQL a failed statement would abort the transaction: the insert after it proves it did not.
        boolean[] second = new boolean[2];
        db.inTransaction(h -> {
            second[0] = outbox.enqueue(h, email("k1"));
            second[1] = outbox.enqueue(h, email("k2"));
            return null;
        });

        assertThat(first).isTrue();
        assertThat(second).containsExactly(false, true);
        List<Outbox.StoredMessage> listed = db.withHandle(h -> outbox.list(h, new Outbox.Filter(rollout, null, null, null, null, 10)));
        assertThat(listed).extracting(Outbox.StoredMessage::idempotencyKey).containsExactly(rollout + ":k2", rollout + ":k1");
        assertThat(stored("k1").subject()).isEqualTo("Subject k1");
    }

    @Test
    void a_message_enqueued_in_a_transaction_that_rolls_back_is_never_sent() {
        assertThatThrownBy(() -> db.inTransaction(h -> {
            outbox.enqueue(h, email("lost"));
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");

        assertThat(worker.runOnce()).isZero();
        java.util.Optional<Outbox.StoredMessage> lostMessage = db.withHandle(h -> outbox.findByKey(h, rollout + ":lost"));
        assertThat(lostMessage).isEmpty();
    }

    @Test
    void a_failure_that_may_pass_is_retried_with_growing_delays_and_delivered_once() {
        db.inTransaction(h -> outbox.enqueue(h, email("m")));
        script.add(Delivery.retry("the webhook answered HTTP 500"));
        script.add(Delivery.retry("cannot reach SMTP server"));

        assertThat(worker.runOnce()).isEqualTo(1);
        Outbox.StoredMessage afterFirst = stored("m");
        assertThat(afterFirst.status()).isEqualTo("pending");
        Duration firstDelay = Duration.between(START, afterFirst.nextAttemptAt());
        assertThat(firstDelay).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(6));
        assertThat(worker.runOnce()).as("not due yet").isZero();

        clock.set(afterFirst.nextAttemptAt());
        assertThat(worker.runOnce()).isEqualTo(1);
        Outbox.StoredMessage afterSecond = stored("m");
        assertThat(Duration.between(afterFirst.nextAttemptAt(), afterSecond.nextAttemptAt()))
                .isBetween(Duration.ofSeconds(12), Duration.ofSeconds(18));

        clock.set(afterSecond.nextAttemptAt());
        assertThat(worker.runOnce()).isEqualTo(1);
        Outbox.StoredMessage done = stored("m");
        assertThat(done.status()).isEqualTo("delivered");
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.log()).extracting(Outbox.Attempt::attempt, Outbox.Attempt::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "retry"), org.assertj.core.groups.Tuple.tuple(2, "retry"),
                org.assertj.core.groups.Tuple.tuple(3, "delivered"));
        assertThat(done.log().get(0).error()).isEqualTo("the webhook answered HTTP 500");
        clock.advance(Duration.ofHours(2));
        assertThat(worker.runOnce()).as("delivered is final").isZero();
    }

    @Test
    void a_message_failing_every_time_is_given_up_after_eight_attempts_in_about_an_hour() {
        db.inTransaction(h -> outbox.enqueue(h, email("dead")));
        for (int i = 0; i < 20; i++) {
            script.add(Delivery.retry("connection refused"));
        }
        int attempts = 0;
        for (int i = 0; i < 20 && stored("dead").status().equals("pending"); i++) {
            clock.set(stored("dead").nextAttemptAt());
            attempts += worker.runOnce();
        }

        Outbox.StoredMessage dead = stored("dead");
        assertThat(attempts).isEqualTo(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(8);
        assertThat(dead.status()).isEqualTo("failed");
        assertThat(dead.lastError()).isEqualTo("connection refused (gave up after 8 attempts)");
        assertThat(Duration.between(START, dead.updatedAt())).isBetween(Duration.ofMinutes(45), Duration.ofMinutes(75));
    }

    @Test
    void a_permanent_failure_is_failed_at_once() {
        db.inTransaction(h -> outbox.enqueue(h, email("perm")));
        script.add(Delivery.failed("the webhook answered HTTP 404; retrying would get the same answer"));

        worker.runOnce();
        clock.advance(Duration.ofHours(2));
        worker.runOnce();

        assertThat(sent).containsExactly(rollout + ":perm");
        assertThat(stored("perm").status()).isEqualTo("failed");
        assertThat(stored("perm").log()).singleElement().extracting(Outbox.Attempt::outcome).isEqualTo("failed");
    }

    @Test
    void without_an_smtp_host_email_fails_at_once_with_the_reason() {
        db.inTransaction(h -> outbox.enqueue(h, email("nosmtp")));
        DeliveryWorker real = DeliveryWorker.create(db, outbox, Notifications.DEFAULTS, SigningKey.load(db, null, clock,
                new java.security.SecureRandom()), new SimpleMeterRegistry(), clock);

        real.runOnce();

        Outbox.StoredMessage m = stored("nosmtp");
        assertThat(m.status()).isEqualTo("failed");
        assertThat(m.lastError()).contains("no SMTP server configured (smtpHost)");
        assertThat(m.log()).singleElement().extracting(Outbox.Attempt::outcome).isEqualTo("failed");
    }

    @Test
    void two_workers_claiming_at_once_never_take_the_same_message() {
        for (int i = 0; i < 10; i++) {
            int n = i;
            db.inTransaction(h -> outbox.enqueue(h, email("c" + n)));
        }
        Instant now = clock.instant();
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        db.withHandle(h1 -> {
            h1.begin();
            outbox.claim(h1, now, now.plus(LEASE), 4).forEach(c -> first.add(c.id()));
            // While the first claim's transaction is open (its rows locked), a second worker skips them.
            db.withHandle(h2 -> {
                h2.begin();
                outbox.claim(h2, now, now.plus(LEASE), 4).forEach(c -> second.add(c.id()));
                h2.commit();
                return null;
            });
            h1.commit();
            return null;
        });
        List<Long> third = db.inTransaction(h -> outbox.claim(h, now, now.plus(LEASE), 100)).stream().map(Outbox.Claimed::id).toList();

        assertThat(first).hasSize(4);
        assertThat(second).hasSize(4).doesNotContainAnyElementsOf(first);
        assertThat(third).as("leased messages are not claimed again").hasSize(2)
                .doesNotContainAnyElementsOf(first).doesNotContainAnyElementsOf(second);
    }

    @Test
    void a_message_sent_twice_after_its_lease_lapsed_is_recorded_delivered_once() {
        db.inTransaction(h -> outbox.enqueue(h, email("twice")));
        Instant now = clock.instant();
        // A worker claims it and dies before recording anything.
        List<Outbox.Claimed> lost = db.inTransaction(h -> outbox.claim(h, now, now.plus(LEASE), 10));
        assertThat(lost).hasSize(1);
        assertThat(worker.runOnce()).as("leased to the dead worker").isZero();

        clock.advance(LEASE.plusSeconds(1));
        assertThat(worker.runOnce()).isEqualTo(1);
        // The dead worker's late record (it had in fact sent) changes nothing.
        db.inTransaction(h -> {
            outbox.record(h, lost.get(0).id(), 1, now, Delivery.delivered(), 5, MessageStatus.DELIVERED, null);
            return null;
        });

        Outbox.StoredMessage m = stored("twice");
        assertThat(m.status()).isEqualTo("delivered");
        assertThat(m.attempts()).isEqualTo(1);
        int rows = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM outbox WHERE idempotency_key = :k")
                .bind("k", rollout + ":twice").mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void a_sender_that_throws_does_not_stop_the_worker() {
        db.inTransaction(h -> outbox.enqueue(h, email("boom")));
        AtomicInteger calls = new AtomicInteger();
        DeliveryWorker throwing = new DeliveryWorker(db, outbox, Map.of(Channel.EMAIL, m -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug");
            }
            return Delivery.delivered();
        }), RetryPolicy.DEFAULT, new Random(1), LEASE, new SimpleMeterRegistry(), clock);

        throwing.tick();
        clock.set(stored("boom").nextAttemptAt());
        throwing.tick();

        assertThat(stored("boom").log()).extracting(Outbox.Attempt::outcome).containsExactly("retry", "delivered");
        assertThat(stored("boom").log().get(0).error()).contains("IllegalStateException: a bug");
    }

    @Test
    void long_idempotency_keys_are_kept_unique_by_a_hash() {
        String longKey = "x".repeat(400);
        db.inTransaction(h -> outbox.enqueue(h, email(longKey)));
        boolean again = db.inTransaction(h -> outbox.enqueue(h, email(longKey)));
        boolean other = db.inTransaction(h -> outbox.enqueue(h, email(longKey + "y")));

        assertThat(again).isFalse();
        assertThat(other).isTrue();
        assertThat(stored(longKey).idempotencyKey()).hasSizeLessThanOrEqualTo(Outbox.MAX_KEY);
    }

    @Test
    void the_generated_signing_key_is_stored_once_and_survives_restarts() {
        SigningKey a = SigningKey.load(db, null, clock, new java.security.SecureRandom());
        SigningKey b = SigningKey.load(db, null, clock, new java.security.SecureRandom());

        assertThat(a.secret()).hasSize(64).isEqualTo(b.secret());
        assertThat(a.configured()).isFalse();
        assertThat(SigningKey.load(db, "configured-secret-0123456789", clock, new java.security.SecureRandom()).secret())
                .isEqualTo("configured-secret-0123456789");
    }
}
