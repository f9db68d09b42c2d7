package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate alert list|show|ack}. */
@Command(name = "alert", mixinStandardHelpOptions = true, description = "Alerts raised by guards.",
        subcommands = {AlertCommands.List.class, AlertCommands.Show.class, AlertCommands.Ack.class},
        footer = {"", "Examples:", "  phasegate alert list --state firing", "  phasegate alert show 42",
                "  phasegate alert ack 42 --comment 'on it'"})
final class AlertCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void printAlert(JsonNode a) {
        System.out.println("alert " + a.path("id").asLong() + " [" + a.path("severity").asText() + ", " + a.path("state").asText() + "] "
                + a.path("summary").asText());
        Table t = new Table("FIELD", "VALUE");
        for (String f : new String[]{"rollout", "guard", "scope", "fingerprint", "activeSince", "firedAt", "clearingSince", "resolvedAt",
                "evaluatedAt", "silenced", "silencedBy", "inhibited", "inhibitedBy"}) {
            if (a.has(f) && !a.get(f).isNull()) {
                t.row(f, Query.text(a, f));
            }
        }
        JsonNode ack = a.path("acknowledgement");
        if (!ack.isMissingNode() && !ack.isNull()) {
            t.row("acknowledged", ack.path("at").asText() + " by " + ack.path("by").asText()
                    + (ack.hasNonNull("comment") ? ": " + ack.path("comment").asText() : ""));
        }
        t.print(System.out);
        if (a.path("history").size() > 0) {
            System.out.println("history:");
            Table h = new Table("AT", "KIND", "ACTOR");
            for (JsonNode e : a.path("history")) {
                h.row(e.path("at").asText(), e.path("kind").asText(), e.path("actor").asText());
            }
            h.print(System.out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Alerts, newest first.",
            footer = {"", "Examples:", "  phasegate alert list --state firing --severity critical",
                    "  phasegate alert list --rollout trading-engine-v2 --since 2026-11-26T00:00:00Z --json"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--state", description = "pending, firing or resolved")
        String state;
        @Option(names = "--rollout", description = "only this rollout")
        String rollout;
        @Option(names = "--severity", description = "warning or critical")
        String severity;
        @Option(names = "--silenced", arity = "1", description = "true or false")
        Boolean silenced;
        @Option(names = "--since", description = "alerts open at some time since this ISO-8601 instant")
        String since;
        @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--before", description = "cursor from the previous page")
        String before;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/alerts").add("state", state).add("rollout", rollout).add("severity", severity)
                    .add("silenced", silenced).add("since", since).add("limit", limit).add("before", before).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "STATE", "SEVERITY", "ROLLOUT", "GUARD", "SINCE", "ACK", "SUMMARY");
                for (JsonNode a : b.path("items")) {
                    String flags = (a.has("acknowledgement") && !a.get("acknowledgement").isNull() ? "ack" : "")
                            + (a.path("silenced").asBoolean() ? " silenced" : "") + (a.path("inhibited").asBoolean() ? " inhibited" : "");
                    t.row(a.path("id").asLong(), a.path("state").asText(), a.path("severity").asText(), Query.text(a, "rollout"),
                            a.path("guard").asText(), Query.text(a, "activeSince"), flags.strip(), Query.cut(a.path("summary").asText(), 80));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One alert with its history.",
            footer = {"", "Example:", "  phasegate alert show 42"})
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "alert id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/alerts/" + ApiClient.encode(id)), AlertCommands::printAlert);
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge a pending or firing alert.",
            footer = {"", "Example:", "  phasegate alert ack 42 --comment 'looking at the order service'"})
    static final class Ack implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "alert id")
        String id;
        @Option(names = "--comment", description = "a note (at most 1,024 characters)")
        String comment;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (comment != null) {
                body.put("comment", comment);
            }
            return options.print(options.client().post("/api/v1/alerts/" + ApiClient.encode(id) + "/ack", body), a ->
                    System.out.println("acknowledged alert " + a.path("id").asLong() + " (" + a.path("state").asText() + ")"));
        }
    }
}
