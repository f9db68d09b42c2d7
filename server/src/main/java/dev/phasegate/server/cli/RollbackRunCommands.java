package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** What rollbacks and the guardian did: {@code phasegate rollbacks list|show} and {@code phasegate guardian}. */
@Command(name = "rollbacks", mixinStandardHelpOptions = true, description = "Rollback runs (the runbook) and their steps.",
        subcommands = {RollbackRunCommands.List.class, RollbackRunCommands.Show.class},
        footer = {"", "Start one with 'phasegate rollback KEY --reason ...'.", "", "Examples:",
                "  phasegate rollbacks list trading-engine-v2", "  phasegate rollbacks show 4"})
final class RollbackRunCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void printRun(JsonNode r) {
        System.out.println("rollback run " + r.path("id").asLong() + " of " + r.path("rollout").asText() + " [" + r.path("state").asText()
                + "] by " + r.path("actor").asText() + " (" + r.path("trigger").asText() + ", " + r.path("severity").asText() + "): "
                + r.path("reason").asText());
        System.out.println("from phase " + r.path("fromPhase").asInt() + ", " + r.path("disableMode").asText() + ", started "
                + r.path("startedAt").asText() + (r.hasNonNull("finishedAt") ? ", finished " + r.path("finishedAt").asText() : "")
                + (r.hasNonNull("outcome") ? ": " + r.path("outcome").asText() : "")
                + (r.hasNonNull("incidentId") ? "; incident " + r.path("incidentId").asLong() : ""));
        Table t = new Table("#", "STEP", "STATE", "ATTEMPTS", "LAST ERROR");
        for (JsonNode s : r.path("steps")) {
            t.row(s.path("position").asInt(), s.path("step").asText(), s.path("state").asText(), s.path("attempts").asInt(),
                    Query.cut(Query.text(s, "lastError"), 80));
        }
        t.print(System.out);
        if (r.path("events").size() > 0) {
            System.out.println("events:");
            Table e = new Table("AT", "KIND", "TEXT");
            for (JsonNode ev : r.path("events")) {
                e.row(ev.path("at").asText(), ev.path("kind").asText(), Query.cut(ev.path("text").asText(), 100));
            }
            e.print(System.out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A rollout's rollback runs, newest first.",
            footer = {"", "Example:", "  phasegate rollbacks list trading-engine-v2"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;
        @Option(names = "--limit", defaultValue = "20", description = "runs (default ${DEFAULT-VALUE}, at most 200)")
        int limit;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/rollouts/" + ApiClient.encode(key) + "/rollbacks").add("limit", limit).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "STATE", "TRIGGER", "SEVERITY", "FROM PHASE", "STARTED", "FINISHED", "OUTCOME");
                for (JsonNode r : b.path("items")) {
                    t.row(r.path("id").asLong(), r.path("state").asText(), r.path("trigger").asText(), r.path("severity").asText(),
                            r.path("fromPhase").asInt(), r.path("startedAt").asText(), Query.text(r, "finishedAt"), Query.text(r, "outcome"));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One rollback run with its steps and events.",
            footer = {"", "Example:", "  phasegate rollbacks show 4"})
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "run id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/rollbacks/" + ApiClient.encode(id)), RollbackRunCommands::printRun);
        }
    }

    @Command(name = "guardian", mixinStandardHelpOptions = true,
            description = "What the guardian decided on a rollout's alerts (rollback, pause, hold...), newest first.",
            footer = {"", "Example:", "  phasegate guardian trading-engine-v2"})
    static final class Guardian implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;
        @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/rollouts/" + ApiClient.encode(key) + "/guardian").add("limit", limit).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "AT", "GUARD", "ALERT", "SEVERITY", "ACTION", "OUTCOME", "RUN");
                for (JsonNode d : b.path("items")) {
                    t.row(d.path("id").asLong(), d.path("at").asText(), Query.text(d, "guard"), Query.text(d, "alertId"),
                            Query.text(d, "severity"), d.path("action").asText(), Query.cut(d.path("outcome").asText(), 60), Query.text(d, "runId"));
                }
                t.print(System.out);
            });
        }
    }
}
