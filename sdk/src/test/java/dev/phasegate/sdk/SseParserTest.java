package dev.phasegate.sdk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    @Test
    void events_are_delivered_at_blank_lines_and_comments_are_ignored() {
        List<String> seen = new ArrayList<>();
        SseParser p = new SseParser((event, data, id) -> seen.add(event + "|" + data + "|" + id));
        for (String line : List.of(": heartbeat", "", "id: 7", "event: rules", "data: {\"version\":7}", "", "data:a", "data: b", "")) {
            p.line(line);
        }
        assertThat(seen).containsExactly("rules|{\"version\":7}|7", "message|a\nb|7");
    }

    @Test
    void the_version_comes_from_the_data_or_else_the_id() {
        assertThat(SseParser.versionOf("{\"version\": 42}", "1")).isEqualTo(42);
        assertThat(SseParser.versionOf("nonsense", "9")).isEqualTo(9);
        assertThat(SseParser.versionOf("nonsense", "x")).isEqualTo(-1);
    }
}
