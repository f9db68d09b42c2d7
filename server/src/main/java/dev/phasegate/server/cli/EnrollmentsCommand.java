package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate enrollments KEY [--status S] [--phase N]}. */
@Command(name = "enrollments", mixinStandardHelpOptions = true, description = "List a rollout's beta users in arrival order.",
        footer = {"", "Example:", "  phasegate enrollments trading-engine-v2 --status waitlisted"})
final class EnrollmentsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Option(names = "--status", description = "enrolled, waitlisted or left")
    String status;
    @Option(names = "--phase", description = "only users who joined in this phase")
    Integer phase;
    @Option(names = "--limit", defaultValue = "100", description = "page size (default ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--after", description = "cursor from the previous page")
    String after;

    @Override
    public Integer call() {
        StringBuilder path = new StringBuilder("/api/v1/rollouts/" + ApiClient.encode(key) + "/enrollments?limit=" + limit);
        if (status != null) {
            path.append("&status=").append(ApiClient.encode(status));
        }
        if (phase != null) {
            path.append("&phase=").append(phase);
        }
        if (after != null) {
            path.append("&after=").append(ApiClient.encode(after));
        }
        return options.print(options.client().get(path.toString()), b -> {
            Table t = new Table("USER", "STATUS", "PHASE", "EMAIL", "SINCE");
            for (JsonNode e : b.path("items")) {
                t.row(e.path("userId").asText(), e.path("status").asText(), e.path("joinedPhase").asText(""),
                        e.path("email").asText(""), e.path("updatedAt").asText());
            }
            t.print(System.out);
            if (!b.path("next").isNull() && b.has("next")) {
                System.out.println("more: --after " + b.path("next").asText());
            }
        });
    }
}
