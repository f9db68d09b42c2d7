package dev.phasegate.core.gate;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MembersTest {

    @Property(tries = 500)
    void the_filter_never_loses_a_member_and_never_admits_a_stranger(@ForAll @Size(max = 300) Set<String> ids, @ForAll String probe) {
        Members members = new Members(Set.copyOf(ids));
        for (String id : ids) {
            assertThat(members.contains(id)).isTrue();
        }
        assertThat(members.contains(probe)).isEqualTo(ids.contains(probe));
    }

    @Test
    void a_large_membership_still_answers_exactly() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add("user-" + i);
        }
        Members members = new Members(Set.copyOf(ids));
        assertThat(members.contains("user-199999")).isTrue();
        assertThat(members.contains("user-200000")).isFalse();
    }
}
