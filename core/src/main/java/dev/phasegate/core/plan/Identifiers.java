package dev.phasegate.core.plan;

import java.util.Optional;
import java.util.regex.Pattern;

/** The rules for keys and ids that travel in URLs, logs and stores. */
public final class Identifiers {

    /** Ids longer than this are refused: long enough for UUIDs, emails and composite ids, short
     *  enough to index. */
    public static final int MAX_ID_LENGTH = 256;

    /** Rollout and feature keys: lowercase words joined by '-', '_' or '.', so they read well in
     *  URLs and metric labels. */
    private static final Pattern KEY = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?");

    private Identifiers() {
    }

    /** Why {@code key} is not a valid rollout or feature key, or empty if it is. */
    public static Optional<String> keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("is required");
        }
        if (!KEY.matcher(key).matches()) {
            return Optional.of("'" + printable(key) + "' is not a valid key: use 1–128 lowercase letters, digits, "
                    + "'-', '_' or '.', starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** Why {@code id} is not a valid user id, or empty if it is. User ids are the caller's own and
     *  may hold any printable character. */
    public static Optional<String> userIdProblem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("is required");
        }
        if (id.length() > MAX_ID_LENGTH) {
            return Optional.of("is " + id.length() + " characters long; at most " + MAX_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return Optional.of("contains a control character at position " + i);
            }
        }
        if (!id.strip().equals(id)) {
            return Optional.of("has leading or trailing whitespace");
        }
        return Optional.empty();
    }

    /** The text with control characters replaced, safe to echo in an error message. */
    public static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > limit) {
            sb.append('…');
        }
        return sb.toString();
    }
}
