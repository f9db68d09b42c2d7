package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate features KEY USER}. */
@Command(name = "features", mixinStandardHelpOptions = true, description = "Which features a user gets, and why.",
        footer = {"", "Example:", "  phasegate features trading-engine-v2 alice"})
final class FeaturesCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Parameters(index = "1", description = "user id")
    String user;

    @Override
    public Integer call() {
        return options.print(options.client().get("/api/v1/rollouts/" + ApiClient.encode(key) + "/users/" + ApiClient.encode(user) + "/features"), b -> {
            System.out.println(b.path("userId").asText() + " in " + b.path("rollout").asText() + " (" + b.path("state").asText()
                    + ", phase " + b.path("phase").asInt() + "): " + b.path("membership").asText());
            Table t = new Table("FEATURE", "ON", "REASON", "PHASE");
            for (JsonNode f : b.path("features")) {
                t.row(f.path("key").asText(), f.path("enabled").asBoolean() ? "yes" : "no", f.path("reason").asText(), f.path("phase").asInt());
            }
            t.print(System.out);
        });
    }
}
