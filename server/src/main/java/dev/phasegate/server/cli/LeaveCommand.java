package dev.phasegate.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate leave KEY USER}. */
@Command(name = "leave", mixinStandardHelpOptions = true, description = "Remove a user from a rollout's beta (frees a place for the waitlist).",
        footer = {"", "Example:", "  phasegate leave trading-engine-v2 alice"})
final class LeaveCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Parameters(index = "1", description = "user id")
    String user;

    @Override
    public Integer call() {
        return options.print(options.client().delete("/api/v1/rollouts/" + ApiClient.encode(key) + "/enrollments/" + ApiClient.encode(user)),
                e -> System.out.println(e.path("userId").asText() + " " + e.path("status").asText()));
    }
}
