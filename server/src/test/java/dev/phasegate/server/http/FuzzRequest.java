package dev.phasegate.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One generated request. {@code raw} ones go over a plain socket (with {@code rawPath} bytes if set) since
 * HttpClient refuses to send lying Content-Lengths or bytes that are not allowed in a URI.
 */
record FuzzRequest(String method, String path, byte[] rawPath, Map<String, String> headers, byte[] body, boolean raw,
                   String strategy) {

    String describe() {
        String shownBody = body == null ? "(none)" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8)
                + (body.length > 160 ? "… (" + body.length + " bytes)" : "");
        Map<String, String> shownHeaders = new java.util.LinkedHashMap<>();
        headers.forEach((k, v) -> shownHeaders.put(k, v.length() > 60 ? v.substring(0, 60) + "… (" + v.length() + ")" : v));
        return method + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path) + " [" + strategy + "] "
                + shownHeaders + " body: " + shownBody;
    }
}
