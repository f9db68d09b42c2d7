package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.http.Json;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/** Options shared by every client command, and how answers are printed. */
final class ClientOptions {

    @Option(names = "--server", description = "server URL (default: PHASEGATE_URL or http://localhost:8080)")
    String server;
    @Option(names = "--token", description = "API token (default: PHASEGATE_TOKEN)")
    String token;
    @Option(names = "--json", description = "print the server's JSON answer instead of a table")
    boolean json;

    ApiClient client() {
        String url = server != null ? server : env("PHASEGATE_URL", "http://localhost:8080");
        String t = token != null ? token : env("PHASEGATE_TOKEN", null);
        return new ApiClient(url, t);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /**
     * Prints an answer: on success the JSON (with --json) or what {@code human} prints; on failure the
     * problem's detail and each field at fault. Returns the exit code.
     */
    int print(ApiClient.Answer answer, java.util.function.Consumer<JsonNode> human) {
        PrintStream out = System.out;
        if (answer.ok()) {
            if (json) {
                out.println(answer.body() == null ? "" : pretty(answer.body()));
            } else {
                human.accept(answer.body());
            }
            return ExitCodes.OK;
        }
        return printError(answer);
    }

    int printError(ApiClient.Answer answer) {
        PrintStream err = System.err;
        if (json && answer.body() != null) {
            System.out.println(pretty(answer.body()));
        }
        JsonNode body = answer.body();
        if (body != null && body.has("detail")) {
            err.println("error (" + answer.status() + "): " + body.get("detail").asText());
            if (body.has("problems") && body.get("problems").size() > 1) {
                for (JsonNode p : body.get("problems")) {
                    String field = p.path("field").asText("");
                    err.println("  - " + (field.isEmpty() ? "" : field + ": ") + p.path("message").asText());
                }
            }
        } else {
            err.println("error: HTTP " + answer.status());
        }
        return ExitCodes.forStatus(answer.status());
    }

    static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }
}
