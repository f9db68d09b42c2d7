package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A path with query parameters; options left out (null) are not sent. */
final class Query {

    private final StringBuilder path;
    private boolean first = true;

    Query(String path) {
        this.path = new StringBuilder(path);
    }

    Query add(String name, Object value) {
        if (value != null && !(value instanceof String s && s.isEmpty())) {
            path.append(first ? '?' : '&').append(name).append('=').append(ApiClient.encode(String.valueOf(value)));
            first = false;
        }
        return this;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** A field as text for a table cell: "" when absent or null, JSON for objects. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** {@code text} cut to {@code max} characters, for wide free-text columns. */
    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** A number with at most two decimals, or "—" when there is no value. */
    static String number(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "—";
        }
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(java.util.Locale.ROOT, "%.2f", d);
    }
}
