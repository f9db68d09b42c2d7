package dev.phasegate.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryEventTest {

    private static JsonNode json(TelemetryEvent event) throws Exception {
        StringBuilder out = new StringBuilder();
        event.appendJson(out);
        return FakeIngestServer.JSON.readTree(out.toString());
    }

    @Test
    void text_survives_encoding_whatever_its_characters() throws Exception {
        for (String comment : List.of("quote \" backslash \\ slash /", "line\nbreak\ttab\r", "bell \u0007 nul \u0000",
                "é ✓ 𝄞 中文", "lone \ud800 surrogate", "")) {
            JsonNode node = json(new TelemetryEvent.Feedback(1, "u", null, 3, comment));
            assertThat(node.get("comment").asText()).isEqualTo(comment);
        }
    }

    @Test
    void numbers_are_written_exactly() throws Exception {
        assertThat(json(new TelemetryEvent.Metric(1, null, null, "m", 12)).get("value").asText()).isEqualTo("12");
        assertThat(json(new TelemetryEvent.Metric(1, null, null, "m", -0.125)).get("value").doubleValue()).isEqualTo(-0.125);
        assertThat(json(new TelemetryEvent.Metric(1, null, null, "m", 1e300)).get("value").doubleValue()).isEqualTo(1e300);
        assertThat(json(new TelemetryEvent.Metric(1, null, null, "m", 4.9e-324)).get("value").doubleValue()).isEqualTo(4.9e-324);
        assertThat(json(new TelemetryEvent.Request(1_746_100_800_123L, null, null, 0.001, true, null)).get("timestamp").longValue())
                .isEqualTo(1_746_100_800_123L);
    }

    @Test
    void each_invalid_field_has_its_own_reason() {
        assertThat(new TelemetryEvent.Feedback(1, null, null, 6, null).problem()).get()
                .extracting(TelemetryEvent.Invalid::reason).isEqualTo("feedback.rating");
        assertThat(new TelemetryEvent.Metric(1, null, "Bad", "m", 1).problem()).get()
                .extracting(TelemetryEvent.Invalid::reason).isEqualTo("metric.rollout");
        assertThat(new TelemetryEvent.Request(1, "u", null, 1, true, "x".repeat(300)).problem()).get()
                .extracting(TelemetryEvent.Invalid::reason).isEqualTo("request.route");
        assertThat(new TelemetryEvent.Session(1, "u\n", null, 1).problem()).get()
                .extracting(TelemetryEvent.Invalid::reason).isEqualTo("session.userId");
        assertThat(new TelemetryEvent.Session(1, null, null, 0).problem()).isEmpty();
    }
}
