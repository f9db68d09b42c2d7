package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Guards, their decisions, and phase readiness. */
final class GuardCommands {

    private GuardCommands() {
    }

    static void printDecision(JsonNode d) {
        System.out.println("decision " + Query.text(d, "id") + " at " + d.path("at").asText() + ": " + d.path("rollout").asText()
                + " / " + d.path("guard").asText() + " → " + d.path("result").asText());
        System.out.println(d.path("explanation").asText(""));
        Table t = new Table("FIELD", "VALUE");
        for (String f : new String[]{"kind", "metric", "scope", "phase", "windowFrom", "windowTo", "observed", "warning", "critical",
                "lower", "upper", "samples", "controlSamples", "figures"}) {
            if (d.has(f) && !d.get(f).isNull()) {
                t.row(f, Query.text(d, f));
            }
        }
        t.print(System.out);
    }

    @Command(name = "guards", mixinStandardHelpOptions = true, description = "A rollout's guards, each with its latest decision.",
            footer = {"", "Example:", "  phasegate guards trading-engine-v2"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/rollouts/" + ApiClient.encode(key) + "/guards"), b -> {
                System.out.println(b.path("rollout").asText() + " (" + b.path("state").asText() + ")");
                Table t = new Table("GUARD", "KIND", "METRIC", "SCOPE", "WARNING", "CRITICAL", "RESULT", "OBSERVED", "AT");
                for (JsonNode item : b.path("items")) {
                    JsonNode g = item.path("guard");
                    JsonNode l = item.path("latest");
                    t.row(g.path("name").asText(), Query.text(g, "kind"), Query.text(g, "metric"), Query.text(g, "scope"),
                            Query.text(g, "warning"), Query.text(g, "critical"), l.isMissingNode() || l.isNull() ? "not evaluated" : Query.text(l, "result"),
                            Query.number(l.get("observed")), Query.text(l, "at"));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "decisions", mixinStandardHelpOptions = true, description = "Stored guard decisions of a rollout, newest first.",
            footer = {"", "Examples:", "  phasegate decisions trading-engine-v2 --guard error-rate --limit 20",
                    "  phasegate decisions trading-engine-v2 --from 2026-11-26T10:00:00Z --to 2026-11-26T11:00:00Z"})
    static final class Decisions implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;
        @Option(names = "--guard", description = "only this guard")
        String guard;
        @Option(names = "--from", description = "ISO-8601 instant")
        String from;
        @Option(names = "--to", description = "ISO-8601 instant")
        String to;
        @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--before", description = "cursor from the previous page")
        String before;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/rollouts/" + ApiClient.encode(key) + "/decisions").add("guard", guard).add("from", from)
                    .add("to", to).add("limit", limit).add("before", before).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "AT", "GUARD", "RESULT", "OBSERVED", "SAMPLES", "EXPLANATION");
                for (JsonNode d : b.path("items")) {
                    t.row(Query.text(d, "id"), d.path("at").asText(), d.path("guard").asText(), d.path("result").asText(),
                            Query.number(d.get("observed")), d.path("samples").asLong(), Query.cut(d.path("explanation").asText(""), 90));
                }
                t.print(System.out);
                if (!b.path("next").isNull() && !b.path("next").isMissingNode()) {
                    System.out.println("more: --before " + b.path("next").asText());
                }
            });
        }
    }

    @Command(name = "decision", mixinStandardHelpOptions = true, description = "One guard decision: what was read and why.",
            footer = {"", "Example:", "  phasegate decision 981"})
    static final class Decision implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "decision id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/decisions/" + ApiClient.encode(id)), GuardCommands::printDecision);
        }
    }

    @Command(name = "readiness", mixinStandardHelpOptions = true,
            description = "Is the current phase ready to advance? Each criterion, met or not, with its value.",
            footer = {"", "Exit code 0 whether ready or not; with --json, read .ready.", "", "Example:",
                    "  phasegate readiness trading-engine-v2"})
    static final class Readiness implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/rollouts/" + ApiClient.encode(key) + "/readiness"), b -> {
                System.out.println(b.path("rollout").asText() + ": phase " + b.path("phase").asInt() + " (" + b.path("phaseName").asText() + ")"
                        + (b.path("ready").asBoolean() ? " is READY to advance to phase " + b.path("nextPhase").asInt()
                        : " is not ready: " + b.path("reason").asText()) + (b.path("auto").asBoolean() ? " [auto-advance]" : ""));
                Table t = new Table("CRITERION", "MET", "VALUE", "REQUIRED", "DETAIL");
                for (JsonNode c : b.path("criteria")) {
                    t.row(c.path("name").asText(), c.path("met").asBoolean() ? "yes" : "NO", Query.text(c, "value"), Query.text(c, "required"),
                            c.path("detail").asText());
                }
                t.print(System.out);
            });
        }
    }
}
