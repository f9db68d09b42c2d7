package dev.phasegate.server.limit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-token limit on a fake clock: bursts, the steady rate, separate tokens, many threads. */
class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(5)); // wraps during the test

    @Test
    void admits_a_burst_then_one_request_per_interval() {
        RateLimiter limiter = new RateLimiter(new RateLimit(10, 3), nanos::get);
        assertThat(limiter.delayFor("t")).isZero();
        assertThat(limiter.delayFor("t")).isZero();
        assertThat(limiter.delayFor("t")).isZero();
        long wait = limiter.delayFor("t");
        assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(RateLimiter.retryAfterSeconds(wait)).isEqualTo(1);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(limiter.delayFor("t")).isZero();
        assertThat(limiter.delayFor("t")).isPositive();

        // Idle time refills the bucket up to the burst, not beyond.
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.delayFor("t")).isZero();
        }
        assertThat(limiter.delayFor("t")).isPositive();
    }

    @Test
    void each_token_has_its_own_budget() {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), nanos::get);
        assertThat(limiter.delayFor("a")).isZero();
        assertThat(limiter.delayFor("a")).isPositive();
        assertThat(limiter.delayFor("b")).isZero();
    }

    @Test
    void retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        assertThat(RateLimiter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(TimeUnit.SECONDS.toNanos(1))).isEqualTo(1);
        assertThat(RateLimiter.retryAfterSeconds(TimeUnit.SECONDS.toNanos(1) + 1)).isEqualTo(2);
    }

    @Test
    void admits_exactly_the_burst_to_32_threads_at_one_instant() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(new RateLimit(5, 1_000), nanos::get);
        LongAdder admitted = new LongAdder();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < 100; j++) {
                    if (limiter.delayFor("shared") == 0) {
                        admitted.increment();
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted.sum()).isEqualTo(1_000);
    }

    @Test
    void a_limit_below_one_is_refused_naming_the_value() {
        assertThatThrownBy(() -> new RateLimit(0, 10)).hasMessageContaining("requests").hasMessageContaining("0");
        assertThatThrownBy(() -> new RateLimit(10, -1)).hasMessageContaining("burst").hasMessageContaining("-1");
    }
}
