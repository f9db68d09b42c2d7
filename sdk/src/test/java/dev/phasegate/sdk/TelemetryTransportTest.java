package dev.phasegate.sdk;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTransportTest {

    @Test
    void the_rejections_of_a_202_are_read_by_index() {
        TelemetryOutcome.Accepted a = TelemetryTransport.accepted("""
                {"stored": 2, "rejected": [{"index": 1, "field": "rating", "detail": "must be 1 to 5 \\"index\\": 0"},
                                           {"index": 3, "field": "value", "detail": "not finite"}]}""", 4);
        assertThat(a.rejectedIndexes()).containsExactlyInAnyOrder(1, 3);
        assertThat(a.rejections()).extracting(TelemetryOutcome.Rejection::field).containsExactly("rating", "value");
    }

    @Test
    void indexes_outside_the_batch_or_repeated_are_ignored() {
        TelemetryOutcome.Accepted a = TelemetryTransport.accepted(
                "{\"stored\":1,\"rejected\":[{\"index\":0},{\"index\":0},{\"index\":9},{\"index\":-1},{\"index\":0.5}]}", 2);
        assertThat(a.rejectedIndexes()).containsExactly(0);
    }

    @Test
    void an_unreadable_202_counts_the_batch_as_stored() {
        assertThat(TelemetryTransport.accepted("", 3).rejectedIndexes()).isEmpty();
        assertThat(TelemetryTransport.accepted("{\"rejected\": [", 3).rejectedIndexes()).isEmpty();
        assertThat(TelemetryTransport.accepted("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 3).rejectedIndexes()).isEmpty();
    }
}
