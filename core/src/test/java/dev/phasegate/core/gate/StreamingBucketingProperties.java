package dev.phasegate.core.gate;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocation-free hash equals encode-then-hash for every string, including surrogates. */
class StreamingBucketingProperties {

    @Property(tries = 5000)
    void streamed_bucket_equals_encoded_bucket_for_any_strings(@ForAll @StringLength(max = 40) String feature,
                                                               @ForAll @StringLength(max = 40) String user) {
        assertThat(Bucketing.bucket(feature, user)).isEqualTo(Bucketing.bucketByBytes(feature, user));
        assertThat(Bucketing.hashKey(feature, user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
    }

    @Property(tries = 3000)
    void streamed_bucket_handles_lone_and_paired_surrogates(@ForAll @CharRange(from = '\uD7F0', to = '\uE010') @StringLength(max = 12) String feature,
                                                            @ForAll @CharRange(from = '\uD7F0', to = '\uE010') @StringLength(max = 12) String user) {
        assertThat(Bucketing.hashKey(feature, user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
    }

    @Property(tries = 5000)
    void a_precomputed_feature_prefix_gives_the_same_bucket(@ForAll @StringLength(max = 40) String feature,
                                                            @ForAll @StringLength(max = 40) String user) {
        assertThat(Bucketing.prefix(feature).hash(user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
        assertThat(Bucketing.prefix(feature).bucket(user)).isEqualTo(Bucketing.bucket(feature, user));
    }

    @Property(tries = 5000)
    void a_precomputed_prefix_agrees_on_ascii_ids_of_every_length(@ForAll @StringLength(max = 13) @CharRange(from = ' ', to = '~') String feature,
                                                                  @ForAll @StringLength(max = 40) @CharRange(from = ' ', to = '~') String user) {
        assertThat(Bucketing.prefix(feature).hash(user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
    }

    @Test
    void a_high_surrogate_at_the_end_of_the_feature_is_not_paired_with_the_separator() {
        String feature = "f\uD83D";
        String user = "\uDE80u";
        assertThat(Bucketing.hashKey(feature, user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
        assertThat(Bucketing.prefix(feature).hash(user))
                .isEqualTo(Bucketing.murmur3x86_32((feature + ":" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
    }
}
