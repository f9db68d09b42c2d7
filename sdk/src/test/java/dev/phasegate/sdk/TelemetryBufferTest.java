package dev.phasegate.sdk;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryBufferTest {

    private static TelemetryEvent metric(int value) {
        return new TelemetryEvent.Metric(0, null, null, "m", value);
    }

    private static List<Integer> values(List<TelemetryEvent> events) {
        return events.stream().map(e -> (int) ((TelemetryEvent.Metric) e).value()).toList();
    }

    @Test
    void a_full_buffer_drops_the_oldest_and_counts_it() {
        TelemetryBuffer buffer = new TelemetryBuffer(3);
        IntStream.range(0, 5).forEach(i -> buffer.add(metric(i)));
        assertThat(buffer.droppedOverflow()).isEqualTo(2);
        assertThat(values(buffer.take(10))).containsExactly(2, 3, 4);
    }

    @Test
    void events_in_flight_count_as_queued_until_settled() {
        TelemetryBuffer buffer = new TelemetryBuffer(10);
        IntStream.range(0, 4).forEach(i -> buffer.add(metric(i)));
        List<TelemetryEvent> batch = buffer.take(3);
        assertThat(values(batch)).containsExactly(0, 1, 2);
        assertThat(buffer.waiting()).isEqualTo(1);
        assertThat(buffer.queued()).isEqualTo(4);
        buffer.settle(3);
        assertThat(buffer.queued()).isEqualTo(1);
    }

    @Test
    void a_batch_given_back_goes_in_front_and_the_oldest_beyond_capacity_are_dropped() {
        TelemetryBuffer buffer = new TelemetryBuffer(4);
        IntStream.range(0, 3).forEach(i -> buffer.add(metric(i)));
        List<TelemetryEvent> batch = buffer.take(3);       // 0, 1, 2 in flight
        IntStream.range(3, 6).forEach(i -> buffer.add(metric(i))); // 3, 4, 5 arrive meanwhile
        buffer.giveBack(batch);                            // the send failed
        assertThat(buffer.droppedOverflow()).isEqualTo(2);
        assertThat(buffer.queued()).isEqualTo(4);
        assertThat(values(buffer.take(10))).containsExactly(2, 3, 4, 5);
    }

    @Test
    void capacity_must_be_positive() {
        assertThatThrownBy(() -> new TelemetryBuffer(0)).hasMessageContaining("capacity").hasMessageContaining("0");
    }
}
