package dev.phasegate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Admin calls the process-based harnesses make to set a node up: anything but 2xx stops the run. */
final class AdminHttp {

    private AdminHttp() {
    }

    /** A call with {@code token}; a non-null {@code json} is sent as the body. Returns the answer's body. */
    static String call(HttpClient http, String method, String url, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** The {@code secret} of a {@code POST /api/v1/tokens} answer. */
    static String secret(String body) {
        return body.replaceAll(".*\"secret\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }
}
