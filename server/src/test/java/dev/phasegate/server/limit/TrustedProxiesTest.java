package dev.phasegate.server.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        assertThat(TrustedProxies.parse("").none()).isTrue();
        assertThat(TrustedProxies.parse(null).clientAddress("10.1.1.1", "203.0.113.9")).isEqualTo("10.1.1.1");
    }

    @Test
    void a_trusted_peer_names_the_rightmost_address_that_is_not_a_trusted_proxy() {
        assertThat(proxies.clientAddress("10.1.2.3", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("10.1.2.3", "203.0.113.9, 192.168.1.7")).isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("10.1.2.3", "6.6.6.6, 203.0.113.9")).as("a forged left entry is not believed")
                .isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("192.168.1.7", "2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(proxies.clientAddress("[fd00::5]", "203.0.113.9")).as("a bracketed IPv6 peer").isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("::ffff:10.0.0.1", "203.0.113.9")).as("an IPv4-mapped peer").isEqualTo("203.0.113.9");
    }

    @Test
    void an_untrusted_peer_is_the_client_even_with_a_header() {
        assertThat(proxies.clientAddress("198.51.100.4", "203.0.113.9")).isEqualTo("198.51.100.4");
        assertThat(proxies.clientAddress("192.168.1.8", "203.0.113.9")).isEqualTo("192.168.1.8");
        assertThat(proxies.clientAddress("10.0.0.1", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void a_chain_of_proxies_only_names_its_leftmost_and_a_non_address_stops_the_walk() {
        assertThat(proxies.clientAddress("10.0.0.1", "10.0.0.2, 10.0.0.3")).isEqualTo("10.0.0.2");
        assertThat(proxies.clientAddress("10.0.0.1", "evil.example, 10.0.0.3")).isEqualTo("10.0.0.3");
        assertThat(proxies.clientAddress("10.0.0.1", "unknown")).isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", "1.2.3.0/24")).as("a network is not a client").isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", "1.2.*.4")).as("nor a wildcard").isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", ", ,")).isEqualTo("10.0.0.1");
    }

    @Test
    void a_bad_entry_is_named() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, lb.internal"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lb.internal'");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8,,10.1.1.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
    }
}
