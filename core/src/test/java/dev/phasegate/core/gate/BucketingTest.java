package dev.phasegate.core.gate;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BucketingTest {

    /**
     * A pinned vector: {@code hash} is murmur3_x86_32 of the UTF-8 bytes of {@code featureKey + ":" + userId},
     * seed 0, as an unsigned 32-bit number; {@code bucket} is {@code hash % 100}; {@code bytes} is the input's
     * length, recorded to show which tail length (bytes % 4) the vector exercises.
     */
    record Vector(String featureKey, String userId, int bytes, long hash, int bucket) {
        @Override
        public String toString() {
            return featureKey + ":" + userId;
        }
    }

    /**
     * Computed once with Guava's {@code Hashing.murmur3_32_fixed(0)} and written down. They must never
     * change: every SDK buckets with them, and the same table is in docs/bucketing.md.
     */
    static final List<Vector> PINNED = List.of(
            new Vector("basic-trading", "user-42", 21, 115332040L, 40),
            new Vector("ai-analysis", "user-42", 19, 1360991830L, 30),
            new Vector("portfolio-view", "alice@example.com", 32, 3471411293L, 93),
            new Vector("advanced-strategies", "00000000-0000-0000-0000-000000000000", 56, 2186717027L, 27),
            new Vector("basic-trading", "", 14, 694836586L, 86),
            new Vector("a", "", 2, 4050473235L, 35),
            new Vector("ab", "c", 4, 1005222219L, 19),
            new Vector("k", "abc", 5, 3495637805L, 5),
            new Vector("a", "b", 3, 2722392131L, 31),
            new Vector("ai-analysis", "ü", 14, 2724248230L, 30),
            new Vector("ai-analysis", "日本", 18, 1162546822L, 22),
            new Vector("ai-analysis", "🚀", 16, 1103407496L, 96),
            new Vector("basic-trading", "user-0", 20, 31138234L, 34),
            new Vector("basic-trading", "user-99999", 24, 119392448L, 48),
            new Vector("feature.v2", "Zoë Ångström", 26, 2758058728L, 28));

    private static final HashFunction GUAVA = Hashing.murmur3_32_fixed(0);

    static List<Vector> pinned() {
        return PINNED;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinned")
    void hashes_a_pinned_vector_to_its_recorded_value(Vector v) {
        byte[] input = utf8(v.featureKey() + ":" + v.userId());

        assertThat(input).hasSize(v.bytes());
        assertThat(Integer.toUnsignedLong(Bucketing.murmur3x86_32(input, 0))).isEqualTo(v.hash());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinned")
    void buckets_a_pinned_vector_into_its_recorded_bucket(Vector v) {
        assertThat(Bucketing.bucket(v.featureKey(), v.userId())).isEqualTo(v.bucket());
        assertThat(v.hash() % 100).isEqualTo(v.bucket());
    }

    @Test
    void pinned_vectors_cover_every_tail_length_non_ascii_text_and_hashes_with_the_top_bit_set() {
        assertThat(PINNED.stream().map(v -> v.bytes() % 4).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(PINNED).anySatisfy(v -> assertThat(v.userId()).isEmpty());
        assertThat(PINNED).anySatisfy(v -> assertThat(v.userId()).isEqualTo("ü"));
        assertThat(PINNED).anySatisfy(v -> assertThat(v.userId()).isEqualTo("日本"));
        // An emoji: outside the Basic Multilingual Plane, a surrogate pair in Java, four bytes in UTF-8.
        assertThat(PINNED).filteredOn(v -> v.userId().codePoints().anyMatch(c -> c > 0xFFFF)).isNotEmpty();
        // A signed 32-bit reading of these would give a different (or negative) remainder.
        assertThat(PINNED).filteredOn(v -> v.hash() > Integer.MAX_VALUE).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void the_bucketing_doc_lists_every_pinned_vector() throws IOException {
        // Surefire runs in the module directory; the doc is in the repository's docs/.
        String doc = Files.readString(Path.of("..", "docs", "bucketing.md"), StandardCharsets.UTF_8);

        for (Vector v : PINNED) {
            String userId = v.userId().isEmpty() ? "*(empty)*" : "`" + v.userId() + "`";
            assertThat(doc).contains(String.format(Locale.ROOT, "| `%s` | %s | %d | %d | `0x%08x` | %d |",
                    v.featureKey(), userId, v.bytes(), v.hash(), v.hash(), v.bucket()));
        }
    }

    @Property
    void murmur3_agrees_with_guava_on_any_bytes(@ForAll byte[] data) {
        assertThat(Bucketing.murmur3x86_32(data, 0)).isEqualTo(GUAVA.hashBytes(data).asInt());
    }

    @Property
    void murmur3_agrees_with_guava_for_any_seed(@ForAll byte[] data, @ForAll int seed) {
        assertThat(Bucketing.murmur3x86_32(data, seed))
                .isEqualTo(Hashing.murmur3_32_fixed(seed).hashBytes(data).asInt());
    }

    @Property
    void bucket_agrees_with_guava_on_any_feature_and_user(@ForAll String featureKey, @ForAll String userId) {
        long hash = Integer.toUnsignedLong(GUAVA.hashString(featureKey + ":" + userId, StandardCharsets.UTF_8).asInt());

        assertThat(Bucketing.bucket(featureKey, userId)).isEqualTo((int) (hash % 100)).isBetween(0, 99);
    }

    @Property
    void a_user_in_a_ramp_stays_in_every_larger_ramp(@ForAll String featureKey, @ForAll String userId,
                                                     @ForAll @IntRange(min = 0, max = 100) int p,
                                                     @ForAll @IntRange(min = 0, max = 100) int q) {
        int lower = Math.min(p, q);
        int higher = Math.max(p, q);
        if (Bucketing.inRamp(featureKey, userId, lower)) {
            assertThat(Bucketing.inRamp(featureKey, userId, higher)).isTrue();
        }
        assertThat(Bucketing.inRamp(featureKey, userId, p)).isEqualTo(Bucketing.bucket(featureKey, userId) < p);
    }

    @Property
    void nobody_is_in_a_0_percent_ramp_and_everybody_is_in_a_100_percent_ramp(@ForAll String featureKey,
                                                                              @ForAll String userId) {
        assertThat(Bucketing.inRamp(featureKey, userId, 0)).isFalse();
        assertThat(Bucketing.inRamp(featureKey, userId, 100)).isTrue();
    }

    @Test
    void a_25_percent_ramp_admits_between_24_and_26_percent_of_100000_users() {
        long admitted = IntStream.range(0, 100_000)
                .filter(i -> Bucketing.inRamp("basic-trading", "user-" + i, 25))
                .count();

        assertThat(admitted).isBetween(24_000L, 26_000L);
    }

    @Test
    void ramps_of_different_features_pick_independent_users() {
        // Independent 25 % ramps overlap on about 25 % × 25 % = 6.25 % of users; the same users in both
        // would give 25 %.
        long inBoth = IntStream.range(0, 100_000)
                .mapToObj(i -> "user-" + i)
                .filter(id -> Bucketing.inRamp("basic-trading", id, 25) && Bucketing.inRamp("ai-analysis", id, 25))
                .count();

        assertThat(inBoth).isBetween(5_750L, 6_750L);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
