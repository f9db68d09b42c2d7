package dev.phasegate.server.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert's identity: SHA-256 of its labels sorted by name, as hex, first 16 characters (64 bits: a
 * collision among the few thousand label sets of a deployment is out of reach). Names and values are
 * separated by bytes that cannot occur in text (0x00, 0x01), so {a=b,c} and {a=b\u0000c} cannot collide.
 */
final class Fingerprints {

    static final int LENGTH = 16;

    private Fingerprints() {
    }

    static String of(Map<String, String> labels) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 1);
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, LENGTH);
    }
}
