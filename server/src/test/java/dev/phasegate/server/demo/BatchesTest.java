package dev.phasegate.server.demo;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchesTest {

    @Test
    void splits_in_order_into_full_batches_and_a_last_partial_one() {
        List<Integer> items = IntStream.range(0, 2_501).boxed().toList();

        List<List<Integer>> batches = Batches.split(items, 1_000);

        assertThat(batches).extracting(List::size).containsExactly(1_000, 1_000, 501);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(items);
    }

    @Test
    void nothing_makes_no_batch_and_a_size_below_one_is_refused() {
        assertThat(Batches.split(List.of(), 10)).isEmpty();
        assertThat(Batches.split(List.of(1, 2), 2)).containsExactly(List.of(1, 2));
        assertThatThrownBy(() -> Batches.split(List.of(1), 0)).hasMessageContaining("max must be at least 1, was 0");
    }
}
