package dev.phasegate.sdk;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void waits_double_up_to_the_maximum_at_the_top_of_the_jitter() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 1.0);
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(8));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitter_spreads_waits_between_the_initial_wait_and_the_ceiling() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.0);
        low.next();
        low.next();
        assertThat(low.next()).isEqualTo(Duration.ofSeconds(1));
        Backoff mid = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.5);
        mid.next();
        mid.next();
        assertThat(mid.next()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void success_resets_the_count() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 1.0);
        b.next();
        b.next();
        b.reset();
        assertThat(b.failures()).isZero();
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
    }
}
