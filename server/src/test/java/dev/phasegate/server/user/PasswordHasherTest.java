package dev.phasegate.server.user;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void hashes_with_argon2id_at_owasp_parameters_and_a_salt_per_hash() {
        String a = hasher.hash("correct horse battery");
        String b = hasher.hash("correct horse battery");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(a).isNotEqualTo(b); // different salts
        assertThat(hasher.verify("correct horse battery", a)).isTrue();
        assertThat(hasher.verify("correct horse batterx", a)).isFalse();
        assertThat(hasher.outdated(a)).isFalse();
    }

    @Test
    void verifies_a_known_rfc_9106_style_vector_from_its_parameters() {
        // A hash made with other parameters still verifies: they are read from the string.
        PasswordHasher light = new PasswordHasher(new SecureRandom(), 64, 1);
        String stored = light.hash("pässwörd ✓");
        assertThat(stored).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(hasher.verify("pässwörd ✓", stored)).isTrue();
        assertThat(hasher.outdated(stored)).isTrue();
    }

    @Test
    void a_malformed_or_hostile_stored_string_matches_nothing() {
        assertThat(hasher.verify("x", "plain-text-password")).isFalse();
        assertThat(hasher.verify("x", null)).isFalse();
        // Parameters that would cost 4 GiB are refused, not computed.
        assertThat(hasher.verify("x", "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")).isFalse();
    }
}
