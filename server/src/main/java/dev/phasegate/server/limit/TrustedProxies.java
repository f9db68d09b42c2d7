package dev.phasegate.server.limit;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.util.ArrayList;
import java.util.List;

/**
 * The load balancers and reverse proxies in front of the nodes, by address or network (CIDR). A request
 * whose peer is one of them is counted, for sign-in and per-address limits, against the client address it
 * forwarded in {@code X-Forwarded-For}: the rightmost entry that is not itself a trusted proxy. Without
 * trusted proxies (the default) the header is ignored: anyone can write it.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7");
 * proxies.clientAddress("10.1.2.3", "203.0.113.9, 10.4.4.4");   // "203.0.113.9"
 * proxies.clientAddress("198.51.100.1", "203.0.113.9");         // "198.51.100.1": an untrusted peer
 * }</pre>
 */
public final class TrustedProxies {

    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** Entries of X-Forwarded-For read from the right: a longer chain than this is not a real one. */
    private static final int MAX_HOPS = 20;

    private final List<IPAddress> networks;

    private TrustedProxies(List<IPAddress> networks) {
        this.networks = List.copyOf(networks);
    }

    /**
     * Parses a comma-separated list of addresses and networks; blank is none.
     *
     * @throws IllegalArgumentException naming the first entry that is not an IP address or network
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<IPAddress> networks = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            IPAddress a = new IPAddressString(e).getAddress();
            if (e.isEmpty() || a == null) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or network (e.g. 10.0.0.7 or 10.0.0.0/8)");
            }
            networks.add(a.toPrefixBlock());
        }
        return new TrustedProxies(networks);
    }

    public boolean none() {
        return networks.isEmpty();
    }

    /**
     * The client's address: {@code peer} unless it is a trusted proxy, in which case the rightmost address in
     * {@code forwardedFor} that is not one (or the leftmost, when all are). An entry that is not an IP
     * address ends the walk at the last trusted hop: a proxy would not have written it.
     *
     * @param peer         the connection's remote address
     * @param forwardedFor the X-Forwarded-For header (all its values joined by commas), or null
     */
    public String clientAddress(String peer, String forwardedFor) {
        if (networks.isEmpty() || forwardedFor == null || !trusted(address(peer))) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0 && i >= hops.length - MAX_HOPS; i--) {
            IPAddress hop = address(hops[i].strip());
            if (hop == null) {
                return client;
            }
            client = hop.toCanonicalString();
            if (!trusted(hop)) {
                return client;
            }
        }
        return client;
    }

    private boolean trusted(IPAddress address) {
        if (address == null) {
            return false;
        }
        for (IPAddress network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** A literal address (IPv4, IPv6, bracketed IPv6, an IPv4-mapped IPv6 as IPv4), never a name: no DNS lookup. */
    private static IPAddress address(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        IPAddressString s = new IPAddressString(t);
        if (!s.isIPAddress() || s.isPrefixed()) {
            return null;
        }
        IPAddress a = s.getAddress();
        if (a == null || a.isMultiple()) {
            return null;
        }
        return a.isIPv6() && a.isIPv4Convertible() ? a.toIPv4() : a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies other && networks.equals(other.networks);
    }

    @Override
    public int hashCode() {
        return networks.hashCode();
    }

    @Override
    public String toString() {
        return networks.stream().map(IPAddress::toCanonicalString).toList().toString();
    }
}
