package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code phasegate apply -f plan.yaml [--dry-run]}. */
@Command(name = "apply", mixinStandardHelpOptions = true, description = "Create or update a rollout from a plan file (YAML or JSON).",
        footer = {"", "Examples:", "  phasegate apply -f examples/trading-engine.yaml", "  phasegate apply -f plan.yaml --dry-run"})
final class ApplyCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;
    @Option(names = {"-f", "--file"}, required = true, description = "the plan file")
    Path file;
    @Option(names = "--dry-run", description = "print what would change without changing anything")
    boolean dryRun;

    @Override
    public Integer call() {
        byte[] body;
        try {
            body = Files.readAllBytes(file);
        } catch (IOException e) {
            System.err.println("error: cannot read " + file + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String key = rolloutKey(body);
        if (key == null) {
            System.err.println("error: " + file + " has no 'rollout:' key naming the rollout");
            return ExitCodes.INVALID;
        }
        boolean json = file.toString().endsWith(".json");
        ApiClient.Answer answer = options.client().putRaw("/api/v1/rollouts/" + ApiClient.encode(key) + (dryRun ? "?dryRun=true" : ""),
                body, json ? "application/json" : "application/yaml");
        return options.print(answer, b -> {
            String outcome = b.path("outcome").asText();
            System.out.println((dryRun && !outcome.equals("unchanged") ? "dry run: would " : "") + switch (outcome) {
                case "created" -> (dryRun ? "create" : "created") + " rollout " + key;
                case "updated" -> (dryRun ? "update" : "updated") + " rollout " + key;
                default -> "rollout " + key + " unchanged";
            });
            for (JsonNode change : b.path("changes")) {
                System.out.println("  - " + change.asText());
            }
            JsonNode r = b.path("rollout");
            System.out.println("state " + r.path("state").asText() + ", phase " + r.path("currentPhase").asInt() + " of "
                    + r.path("phaseCount").asInt() + " (" + r.path("currentPhaseName").asText() + "), enrolled "
                    + r.path("enrolled").asInt() + "/" + r.path("capacity").asInt() + ", waitlist " + r.path("waitlisted").asInt());
        });
    }

    /** The {@code rollout:} key of the plan, read without validating the rest (the server does that). */
    private static String rolloutKey(byte[] body) {
        try {
            JsonNode node = dev.phasegate.server.http.Json.YAML.readTree(body);
            return node != null && node.hasNonNull("rollout") ? node.get("rollout").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
