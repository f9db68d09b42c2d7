package dev.phasegate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile requests from a seeded {@link Random}: each picks a route, fills its path parameters with a valid,
 * invalid or tricky value, and sends a body from one of the strategies below with headers that may lie.
 */
final class RequestGenerator {

    /** A valid example body per route ("METHOD template"): mutated, retyped and truncated by the strategies. */
    static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("PUT /api/v1/rollouts/{key}", "{\"rollout\":\"m\",\"phases\":[{\"name\":\"p1\",\"capacity\":5,\"features\":[\"m-f1\"]},"
                    + "{\"name\":\"p2\",\"capacity\":10,\"features\":[\"m-f2\"]}]}"),
            Map.entry("POST /api/v1/rollouts/{key}/enrollments", "{\"userId\":\"alice\",\"email\":\"alice@example.com\",\"attributes\":{\"plan\":\"pro\"}}"),
            Map.entry("PUT /api/v1/features/{featureKey}/kill-switch", "{\"on\":true,\"reason\":\"broken\"}"),
            Map.entry("POST /api/v1/rollouts/{key}/rollback", "{\"reason\":\"errors\",\"severity\":\"sev1\"}"),
            Map.entry("POST /api/v1/rollouts/{key}/resume", "{\"reason\":\"fixed\"}"),
            Map.entry("POST /api/v1/rollouts/{key}/advance", "{\"reason\":\"looks good\"}"),
            Map.entry("POST /api/v1/tokens", "{\"kind\":\"sdk\",\"name\":\"checkout-service\"}"),
            Map.entry("POST /api/v1/events", "[{\"type\":\"metric\",\"timestamp\":\"2025-06-01T12:00:00Z\",\"rollout\":\"m\",\"userId\":\"u1\","
                    + "\"name\":\"latency\",\"value\":12.5},{\"type\":\"error\",\"timestamp\":\"2025-06-01T12:00:00Z\",\"rollout\":\"m\",\"userId\":\"u1\"}]"),
            Map.entry("POST /api/v1/alerts/{id}/ack", "{\"comment\":\"looking\"}"),
            Map.entry("POST /api/v1/silences", "{\"matchers\":[{\"name\":\"rollout\",\"value\":\"m\"}],\"endsAt\":\"2025-06-01T13:00:00Z\",\"comment\":\"maintenance\"}"),
            Map.entry("POST /api/v1/incidents", "{\"title\":\"errors up\",\"severity\":\"sev2\",\"rollout\":\"m\"}"),
            Map.entry("POST /api/v1/incidents/{id}/ack", "{\"note\":\"on it\"}"),
            Map.entry("POST /api/v1/incidents/{id}/resolve", "{\"resolution\":\"rolled back\"}"),
            Map.entry("POST /api/v1/incidents/{id}/comments", "{\"text\":\"more errors\"}"),
            Map.entry("POST /api/v1/incidents/{id}/assign", "{\"assignee\":\"bob@example.com\"}"),
            Map.entry("POST /ofrep/v1/evaluate/flags/{key}", "{\"context\":{\"targetingKey\":\"u1\",\"plan\":\"pro\"}}"),
            Map.entry("POST /ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"u1\"}}"),
            Map.entry("POST /ui/login", "{\"name\":\"admin\",\"password\":\"not-the-password\"}"),
            Map.entry("POST /api/v1/users", "{\"name\":\"carol\",\"password\":\"correct horse battery\",\"role\":\"viewer\"}"));

    private static final String[] VALID = {"m", "idle", "u1", "1", "m-f1", "tok_unknown"};
    private static final String[] INVALID = {"nope", "0", "-1", "99999999999999999999", "1.5", "NaN", "null", "true", "%20", "a%2Fb",
            "..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "%00", "a%00b", "%E2%98%83", "%C3%28", "%FF%FE", "%F0%9F%92%A9",
            "%27%20OR%201%3D1--", "%3Cscript%3E", "%25", "%0d%0aSet-Cookie:%20x=1", "~", "-", "_", "M", "m%20"};
    private static final String[] TOKENS_BAD = {"Bearer", "Bearer ", "Bearer phg_nope", "Basic YWRtaW46YWRtaW4=", "bearer  ",
            "Bearer \u00e9\u00e8", "Token x", "Bearer " + "A".repeat(9000)};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json", "application/yaml", "text/yaml",
            "text/csv", "application/x-ndjson", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
            "application/json; charset=utf-16", "text/plain", "", "application/problem+json", "*/*", "application/json; charset=nonsense",
            "application/\u00ff"};

    private static final String SYNTAX = "{}[]\",:0-eE.\\ntfu";

    private final Random random;
    private final List<HttpApi.Route> routes;
    private final List<HttpApi.Route> changes;
    private final Map<String, String> tokens;

    RequestGenerator(Random random, List<HttpApi.Route> routes, Map<String, String> tokens) {
        this.random = random;
        this.routes = routes;
        this.changes = routes.stream().filter(r -> !r.method().equals("GET") && !r.method().equals("HEAD")).toList();
        this.tokens = tokens;
    }

    /** The next request; {@code changesOnly}: a changing route, with the admin token (so auth is not what rejects it). */
    FuzzRequest next(boolean changesOnly) {
        HttpApi.Route route = changesOnly ? pick(changes) : pick(routes);
        String method = random.nextInt(30) == 0 ? pick(List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")) : route.method();
        String path = fill(route.path());
        if (random.nextInt(25) == 0) {
            path = path + pick(List.of("?limit=-1", "?limit=99999999999", "?cursor=abc", "?since=yesterday", "?limit=%00",
                    "?state=%E2%98%83", "?" + "x=1&".repeat(500), "?since=2025-13-45T99:99:99Z", "?limit=1e9", "?rollout=" + "r".repeat(3000)));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        authorize(headers, changesOnly);
        String example = EXAMPLES.getOrDefault(route.method() + " " + route.path(), "{}");
        String strategy;
        byte[] body;
        int choice = random.nextInt(20);
        switch (choice) {
            case 0 -> { strategy = "none"; body = null; }
            case 1, 2 -> { strategy = "valid"; body = utf8(example); }
            case 3, 4, 5 -> { strategy = "mutated"; body = mutate(utf8(example)); }
            case 6 -> { strategy = "random-bytes"; body = randomBytes(random.nextInt(2000)); }
            case 7, 8 -> { strategy = "wrong-types"; body = utf8(retype(example, false)); }
            case 9 -> { strategy = "huge-numbers"; body = utf8(retype(example, true)); }
            case 10 -> { strategy = "deep-nesting"; body = utf8(deep(random.nextBoolean() ? 10_000 : 1_000 + random.nextInt(5_000))); }
            case 11 -> { strategy = "long-strings"; body = utf8(longStrings(example)); }
            case 12 -> { strategy = "duplicate-keys"; body = utf8(duplicateKeys(example)); }
            case 13 -> { strategy = "yaml"; body = utf8(yaml()); headers.put("Content-Type", pick(List.of("application/yaml", "text/yaml", "application/x-yaml"))); }
            case 14 -> { strategy = "csv"; body = utf8(csv()); headers.put("Content-Type", "text/csv"); }
            case 15 -> { strategy = "ndjson"; body = utf8(ndjson(example)); headers.put("Content-Type", "application/x-ndjson"); }
            case 16 -> { strategy = "primitive"; body = utf8(pick(List.of("null", "\"x\"", "1", "true", "[]", "[null]", "{\"\":null}", "[[]]", "\"\\ud800\"", "-0", "1e400"))); }
            case 17 -> { strategy = "form"; body = utf8(pick(List.of("name=admin&password=x", "name=&password=", "name", "=&=&&", "name=%FF%FE&password=%00",
                    "next=//evil.example&name=a&password=b", "name=" + "a".repeat(20_000)))); headers.put("Content-Type", "application/x-www-form-urlencoded"); }
            case 18 -> { strategy = "invalid-utf8"; body = invalidUtf8(example); }
            default -> { strategy = "empty-ish"; body = utf8(pick(List.of("", " ", "\n", "\u0000", "\uFEFF{}", "{", "}", "[", "{\"a\":}", "{'a':1}", "/* */{}", "{}garbage"))); }
        }
        headers.putIfAbsent("Content-Type", random.nextInt(4) == 0 ? pick(List.of(CONTENT_TYPES)) : "application/json");
        if (headers.get("Content-Type").isEmpty()) {
            headers.remove("Content-Type");
        }
        abuseHeaders(headers);
        boolean raw = random.nextInt(25) == 0;
        byte[] rawPath = null;
        if (raw) {
            strategy += "+raw";
            int trick = random.nextInt(6);
            switch (trick) {
                case 0 -> headers.put("Content-Length", pick(List.of("99999999999999999999", "-1", "1e9", "abc", "9223372036854775807", " 5")));
                case 1 -> headers.put("X-Huge", "h".repeat(random.nextBoolean() ? 9_000 : 70_000));
                case 2 -> rawPath = (path + pick(List.of("\u00ff", "/\u0000", "?\u00e9=1", "/../../etc/passwd", "/./.", "#frag")))
                        .getBytes(StandardCharsets.ISO_8859_1);
                case 3 -> headers.put("Transfer-Encoding", pick(List.of("chunked", "gzip", "chunked, chunked", "identity")));
                case 4 -> headers.put("Content-Encoding", pick(List.of("gzip", "deflate", "br", "bogus")));
                default -> {
                    for (int i = 0; i < 150; i++) {
                        headers.put("X-Many-" + i, "v" + i);
                    }
                }
            }
        }
        return new FuzzRequest(method, path, rawPath, headers, body, raw, strategy);
    }

    private void authorize(Map<String, String> headers, boolean admin) {
        int who = admin ? 0 : random.nextInt(12);
        if (who <= 7) {
            headers.put("Authorization", "Bearer " + tokens.get("admin"));
        } else if (who == 8) {
            headers.put("Authorization", "Bearer " + tokens.get(pick(List.of("operator", "sdk", "ingest"))));
        } else if (who == 9) {
            headers.put("Authorization", pick(List.of(TOKENS_BAD)));
        } else if (who == 10) {
            headers.put("X-API-Key", pick(List.of(tokens.get("sdk"), "", "x", tokens.get("admin") + "x")));
        }
        // who == 11: no credentials
    }

    private void abuseHeaders(Map<String, String> headers) {
        if (random.nextInt(10) == 0) {
            headers.put("Cookie", pick(List.of("phasegate_session=abc", "phasegate_session=", "phasegate_session=" + "z".repeat(4000),
                    "a=b; phasegate_session=\u00e9", "=;=;")));
            headers.put("X-CSRF-Token", pick(List.of("", "x", "y".repeat(500))));
        }
        if (random.nextInt(15) == 0) {
            headers.put("Origin", pick(List.of("null", "http://evil.example", "not a url", "http://[::1", "http://127.0.0.1")));
        }
        if (random.nextInt(15) == 0) {
            headers.put("Accept", pick(List.of("text/html", "*/*", "application/xml", "text/event-stream", "\u00ff")));
        }
        if (random.nextInt(20) == 0) {
            headers.put("If-None-Match", pick(List.of("\"x\"", "*", "W/\"", "\"" + "e".repeat(3000) + "\"")));
        }
        if (random.nextInt(20) == 0) {
            headers.put("X-Forwarded-Proto", pick(List.of("https", "gopher", "")));
            headers.put("X-Forwarded-For", pick(List.of("1.2.3.4", "not-an-ip", "::1, 10.0.0.1", "")));
        }
        if (random.nextInt(20) == 0) {
            headers.put("Last-Event-ID", pick(List.of("-1", "abc", "99999999999999999999999", "")));
        }
    }

    private String fill(String template) {
        Matcher m = Pattern.compile("\\{([^}]+)}|<([^>]+)>").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int kind = random.nextInt(10);
            String value;
            if (kind < 5) {
                value = pick(List.of(VALID));
            } else if (kind < 9) {
                value = pick(List.of(INVALID));
            } else {
                value = random.nextBoolean() ? "k".repeat(1 + random.nextInt(6000)) : "%E2%98%83".repeat(1 + random.nextInt(300));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 1 -> b[at] = (byte) random.nextInt(256); // flip
                case 2 -> b[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length())); // syntax character
                case 3 -> { // duplicate a span
                    int end = Math.min(b.length, at + 1 + random.nextInt(20));
                    byte[] span = java.util.Arrays.copyOfRange(b, at, end);
                    byte[] grown = new byte[b.length + span.length];
                    System.arraycopy(b, 0, grown, 0, end);
                    System.arraycopy(span, 0, grown, end, span.length);
                    System.arraycopy(b, end, grown, end + span.length, b.length - end);
                    b = grown;
                }
                default -> { // delete a span
                    int end = Math.min(b.length, at + 1 + random.nextInt(10));
                    byte[] shrunk = new byte[b.length - (end - at)];
                    System.arraycopy(b, 0, shrunk, 0, at);
                    System.arraycopy(b, end, shrunk, at, b.length - end);
                    b = shrunk;
                }
            }
        }
        return b;
    }

    /** The example with values replaced by ones of another type (or by huge and odd numbers). */
    private String retype(String example, boolean numbers) {
        try {
            JsonNode node = Json.MAPPER.readTree(example);
            return Json.MAPPER.writeValueAsString(replace(node, numbers, 0)).replace("\"@NUM@", "").replace("@NUM@\"", "");
        } catch (IOException e) {
            return example;
        }
    }

    private JsonNode replace(JsonNode node, boolean numbers, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode copy = f.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(e.getKey(), random.nextInt(3) == 0 ? replace(e.getValue(), numbers, depth + 1) : odd(numbers));
            }
            if (random.nextInt(4) == 0) {
                copy.set(pick(List.of("extra", "__proto__", "", "\u0000", "constructor")), odd(numbers));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = f.arrayNode();
            node.forEach(n -> copy.add(random.nextInt(3) == 0 ? odd(numbers) : replace(n, numbers, depth + 1)));
            return copy;
        }
        return odd(numbers);
    }

    private JsonNode odd(boolean numbers) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (numbers) {
            // Written unquoted by retype(): numbers a double or a long cannot hold, and the corner values.
            return f.textNode("@NUM@" + pick(List.of("1e400", "-1e400", "-0", "0.0", "9223372036854775808", "-9223372036854775809",
                    "2147483648", "4.9e-324", "1e-400", "123456789012345678901234567890123456789", "1" + "0".repeat(2000),
                    "0." + "1".repeat(2000), "-1", "0", "1.5", "1E+2", "1e2147483648")) + "@NUM@");
        }
        return switch (random.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(random.nextDouble() * 1e10);
            case 4 -> f.arrayNode().add("x").add(1);
            case 5 -> f.objectNode().put("x", 1);
            case 6 -> f.textNode("");
            case 7 -> f.textNode(pick(List.of("\u0000", "\uD83D\uDCA9", "'; DROP TABLE rollout;--", "<script>alert(1)</script>",
                    "../../etc/passwd", "${jndi:ldap://x}", "2025-02-30T25:61:00Z", "P9999999999D", "sev9", "-1s", "1e400")));
            default -> f.textNode("s".repeat(random.nextInt(300)));
        };
    }

    private String deep(int depth) {
        StringBuilder b = new StringBuilder(depth * 6);
        boolean objects = random.nextBoolean();
        for (int i = 0; i < depth; i++) {
            b.append(objects ? "{\"a\":" : "[");
        }
        b.append("1");
        for (int i = 0; i < depth; i++) {
            b.append(objects ? "}" : "]");
        }
        return b.toString();
    }

    private String longStrings(String example) {
        int length = random.nextInt(5) == 0 ? 1_000_000 : 10_000 + random.nextInt(50_000);
        String big = (random.nextBoolean() ? "x" : "\u00e9\u2603").repeat(length / 2);
        return example.replaceAll("\"([^\"]*)\"(\\s*[,}\\]])", Matcher.quoteReplacement("\"" + big + "\"") + "$2");
    }

    private String duplicateKeys(String example) {
        if (example.startsWith("{") && example.length() > 2) {
            return "{\"rollout\":\"x\",\"userId\":\"a\",\"kind\":\"admin\"," + example.substring(1, example.length() - 1) + ","
                    + example.substring(1);
        }
        return "{\"a\":1,\"a\":2}";
    }

    private String yaml() {
        return switch (random.nextInt(6)) {
            case 0 -> { // billion laughs
                StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
                for (char c = 'b'; c <= 'j'; c++) {
                    b.append(c).append(": &").append(c).append(" [");
                    for (int i = 0; i < 9; i++) {
                        b.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
                    }
                    b.append("]\n");
                }
                b.append("rollout: m\nphases: *j\n");
                yield b.toString();
            }
            case 1 -> "rollout: m\nphases:\n" + "  - ".repeat(1) + "[".repeat(5000) + "]".repeat(5000) + "\n";
            case 2 -> "rollout: !!java.net.URL [\"http://127.0.0.1/\"]\nphases: []\n";
            case 3 -> "rollout: m\nphases:\n  - name: p1\n    capacity: 1e400\n    features: [a]\n  - name: p1\n    capacity: -0\n";
            case 4 -> "rollout: &x m\n<<: *x\nphases: *undefined\n";
            default -> "\t- :\n  ? [\n\u0000%YAML 9.9\n---\n...\n";
        };
    }

    private String csv() {
        return switch (random.nextInt(8)) {
            case 0 -> "userId,email\n\"alice,alice@example.com\n";
            case 1 -> "\uFEFFuserId,email\r\nbob,bob@example.com\r\n\r\n,\n";
            case 2 -> "userId\n" + "x,".repeat(5000) + "\n";
            case 3 -> "userId,email\n\u0000,\u0000\n";
            case 4 -> "userId,email\n";
            case 5 -> "email,userId,email\n\"a\"\"b\",c,d\n";
            case 6 -> "userId,email\n" + "u".repeat(100_000) + ",x@y\n";
            default -> "userId,email\r" + "carol,carol@example.com\r\"unterminated";
        };
    }

    private String ndjson(String example) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
            lines.add(pick(List.of("{\"type\":\"error\",\"timestamp\":\"2025-06-01T12:00:00Z\",\"rollout\":\"m\"}", "", "{", "[]", "null",
                    example, "{\"type\":\"metric\",\"value\":1e400}", "\u0000")));
        }
        return String.join(random.nextBoolean() ? "\n" : "\r\n", lines);
    }

    private byte[] invalidUtf8(String example) {
        byte[] valid = utf8(example);
        byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x28, (byte) 0x8C},
                {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}};
        byte[] insert = bad[random.nextInt(bad.length)];
        int at = valid.length == 0 ? 0 : random.nextInt(valid.length);
        // Inside a string value where possible, so the parser has to decode it.
        int quote = example.indexOf("\":\"");
        if (quote > 0 && random.nextBoolean()) {
            at = quote + 3;
        }
        byte[] out = new byte[valid.length + insert.length];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(valid, at, out, at + insert.length, valid.length - at);
        return out;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
