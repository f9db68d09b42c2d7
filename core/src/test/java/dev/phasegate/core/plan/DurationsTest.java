package dev.phasegate.core.plan;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "30s,   PT30S",
            "5m,    PT5M",
            "24h,   PT24H",
            "7d,    PT168H",
            "0s,    PT0S",
            "' 5m ', PT5M"})
    void parses_the_forms_people_write_in_plans(String text, Duration expected) {
        assertThat(Durations.parse(text)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "-1s", "", "5", "m", "1.5h", "5M", "5min", "5m30s", "1234567890s"})
    @NullSource
    void rejects_anything_else(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "PT0.5S,  500ms",
            "PT1.5S,  1500ms",
            "PT30S,   30s",
            "PT90M,   90m",
            "PT2H,    2h",
            "PT48H,   2d",
            "PT0S,    0s"})
    void formats_a_duration_in_its_largest_exact_unit(Duration duration, String expected) {
        assertThat(Durations.format(duration)).isEqualTo(expected);
    }

    @Property
    void formatting_then_parsing_gives_back_any_whole_millisecond_duration(
            @ForAll @LongRange(min = 0, max = 999_999_999) long millis) {
        Duration duration = Duration.ofMillis(millis);

        assertThat(Durations.parse(Durations.format(duration))).contains(duration);
    }

    @Property
    void parsing_then_formatting_then_parsing_gives_the_same_duration(@ForAll("durationTexts") String text) {
        Duration parsed = Durations.parse(text).orElseThrow();

        assertThat(Durations.parse(Durations.format(parsed))).contains(parsed);
    }

    @Provide
    Arbitrary<String> durationTexts() {
        return Arbitraries.longs().between(0, 999_999_999)
                .flatMap(amount -> Arbitraries.of("ms", "s", "m", "h", "d").map(unit -> amount + unit));
    }

    @Test
    void days_are_preferred_to_hours_when_both_are_exact() {
        assertThat(Durations.format(Duration.ofHours(24 * 7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("25h");
    }
}
