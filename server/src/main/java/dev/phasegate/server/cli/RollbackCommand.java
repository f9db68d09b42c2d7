package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Emergency rollback: starts the rollout's runbook, or joins the one running. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a rollout back now: the runbook pauses enrollment, withdraws features, tells users and "
                + "contacts, opens an incident and verifies recovery.",
        footer = {"", "Examples:", "  phasegate rollback trading-engine-v2 --reason 'orders failing for beta users'",
                "  phasegate rollback trading-engine-v2 --reason 'data corruption' --severity sev1 --all"})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Option(names = "--reason", required = true, description = "why (required; kept in the run, the audit log and the incident)")
    String reason;
    @Option(names = "--severity", defaultValue = "sev2", description = "sev1 (worst) to sev4; default ${DEFAULT-VALUE}")
    String severity;
    @Option(names = "--all", description = "withdraw every feature, not only the current phase's")
    boolean all;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        body.put("severity", severity);
        if (all) {
            body.put("all", true);
        }
        return options.print(options.client().post("/api/v1/rollouts/" + ApiClient.encode(key) + "/rollback", body), b -> {
            JsonNode run = b.path("run");
            System.out.println((b.path("joined").asBoolean() ? "joined the rollback already running: run " : "rollback started: run ")
                    + run.path("id").asLong() + " (" + run.path("state").asText() + ")");
            Table t = new Table("STEP", "STATE", "ATTEMPTS");
            for (JsonNode s : run.path("steps")) {
                t.row(s.path("step").asText(), s.path("state").asText(), s.path("attempts").asInt());
            }
            t.print(System.out);
        });
    }
}
