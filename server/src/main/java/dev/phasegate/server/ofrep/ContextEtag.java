package dev.phasegate.server.ofrep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phasegate.server.http.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The entity tag of a bulk evaluation. A bulk answer depends on two things, the rules version and the
 * context, so its tag is the version followed by a hash of the context in canonical form (object members
 * sorted by name, at every depth): the same context sent with members in another order gets the same tag,
 * and any change to the rules or to the context gets a new one.
 *
 * <p>The whole context is hashed, not only {@code targetingKey}, although Phasegate evaluates by user alone
 * today: a tag that ignored attributes would answer 304 wrongly on the day an attribute starts to matter,
 * and an extra 200 costs little.
 */
final class ContextEtag {

    /** 128 bits of SHA-256: collisions between two contexts of one client are out of the question. */
    private static final int HASH_BYTES = 16;

    private ContextEtag() {
    }

    /** A strong tag, e.g. {@code "42-9f86d081884c7d659a2feaa0c55ad015"}. */
    static String of(long rulesVersion, ObjectNode context) {
        StringBuilder canonical = new StringBuilder(128);
        canonical.append(rulesVersion).append('\n');
        write(context, canonical);
        byte[] digest = sha256().digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return "\"" + rulesVersion + "-" + HexFormat.of().formatHex(digest, 0, HASH_BYTES) + "\"";
    }

    /**
     * Whether an {@code If-None-Match} value matches {@code etag}: a list of tags or {@code *}, compared
     * weakly as RFC 9110 section 13.1.2 requires for If-None-Match.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(Json.write(names.get(i))).append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString()); // scalars: JSON text, strings quoted and escaped
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
