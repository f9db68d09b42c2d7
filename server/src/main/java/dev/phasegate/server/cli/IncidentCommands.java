package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate incident list|show|open|ack|resolve|comment|assign|report}. */
@Command(name = "incident", mixinStandardHelpOptions = true, description = "Incidents: open, work and report them.",
        subcommands = {IncidentCommands.List.class, IncidentCommands.Show.class, IncidentCommands.Open.class, IncidentCommands.Ack.class,
                IncidentCommands.Resolve.class, IncidentCommands.Comment.class, IncidentCommands.Assign.class, IncidentCommands.Report.class},
        footer = {"", "Examples:", "  phasegate incident list --state open", "  phasegate incident show 12",
                "  phasegate incident ack 12 --note 'looking'", "  phasegate incident resolve 12 --resolution 'rolled back; fix in 2.1'",
                "  phasegate incident report 12 --format md --output incident-12.md"})
final class IncidentCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void printIncident(JsonNode i) {
        System.out.println("incident " + i.path("id").asLong() + " [" + i.path("severity").asText() + ", " + i.path("state").asText() + "] "
                + i.path("title").asText());
        Table t = new Table("FIELD", "VALUE");
        for (String f : new String[]{"rollout", "assignee", "firstSignalAt", "openedAt", "openedBy", "acknowledgedAt", "acknowledgedBy",
                "mitigatedAt", "resolvedAt", "resolvedBy", "resolution", "phaseAtOpen", "summary"}) {
            if (i.has(f) && !i.get(f).isNull()) {
                t.row(f, Query.cut(Query.text(i, f), 120));
            }
        }
        t.print(System.out);
        if (i.path("timeline").size() > 0) {
            System.out.println("timeline:");
            Table h = new Table("AT", "KIND", "ACTOR", "TEXT");
            for (JsonNode e : i.path("timeline")) {
                h.row(e.path("at").asText(), e.path("kind").asText(), e.path("actor").asText(), Query.cut(e.path("text").asText(), 100));
            }
            h.print(System.out);
        }
    }

    abstract static class Change implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "incident id")
        String id;

        abstract String action();

        abstract Map<String, Object> body();

        @Override
        public Integer call() {
            return options.print(options.client().post("/api/v1/incidents/" + ApiClient.encode(id) + "/" + action(), body()), i ->
                    System.out.println("incident " + i.path("id").asLong() + " is " + i.path("state").asText()
                            + (i.hasNonNull("assignee") ? ", assigned to " + i.path("assignee").asText() : "")));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Incidents, newest first.",
            footer = {"", "Example:", "  phasegate incident list --state open --rollout checkout-v2"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--state", description = "open, acknowledged or resolved")
        String state;
        @Option(names = "--rollout", description = "only this rollout")
        String rollout;
        @Option(names = "--severity", description = "sev1 .. sev4")
        String severity;
        @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--before", description = "cursor from the previous page")
        String before;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/incidents").add("state", state).add("rollout", rollout).add("severity", severity)
                    .add("limit", limit).add("before", before).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "STATE", "SEVERITY", "ROLLOUT", "OPENED", "ASSIGNEE", "TITLE");
                for (JsonNode i : b.path("items")) {
                    t.row(i.path("id").asLong(), i.path("state").asText(), i.path("severity").asText(), Query.text(i, "rollout"),
                            i.path("openedAt").asText(), Query.text(i, "assignee"), Query.cut(i.path("title").asText(), 70));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One incident with its timeline.",
            footer = {"", "Example:", "  phasegate incident show 12"})
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "incident id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/incidents/" + ApiClient.encode(id)), IncidentCommands::printIncident);
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true,
            description = "Open an incident; with --rollout, joins the rollout's active incident if there is one.",
            footer = {"", "Example:", "  phasegate incident open --rollout checkout-v2 --severity sev3 --title 'Checkout errors reported by support'"})
    static final class Open implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--title", required = true, description = "at most 200 characters")
        String title;
        @Option(names = "--severity", required = true, description = "sev1 (worst) .. sev4")
        String severity;
        @Option(names = "--rollout", description = "the rollout it concerns")
        String rollout;
        @Option(names = "--summary", description = "what is known")
        String summary;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", title);
            body.put("severity", severity);
            if (rollout != null) {
                body.put("rollout", rollout);
            }
            if (summary != null) {
                body.put("summary", summary);
            }
            ApiClient.Answer answer = options.client().post("/api/v1/incidents", body);
            return options.print(answer, i -> System.out.println((answer.status() == 201 ? "opened" : "joined") + " incident "
                    + i.path("id").asLong() + " [" + i.path("severity").asText() + ", " + i.path("state").asText() + "] " + i.path("title").asText()));
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge an open incident.",
            footer = {"", "Example:", "  phasegate incident ack 12 --note 'on it'"})
    static final class Ack extends Change {
        @Option(names = "--note", description = "a note for the timeline")
        String note;

        String action() {
            return "ack";
        }

        Map<String, Object> body() {
            return note == null ? Map.of() : Map.of("note", note);
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve an incident.",
            footer = {"", "Example:", "  phasegate incident resolve 12 --resolution 'rolled back to phase 2; fix in 2.1'"})
    static final class Resolve extends Change {
        @Option(names = "--resolution", required = true, description = "what ended it")
        String resolution;

        String action() {
            return "resolve";
        }

        Map<String, Object> body() {
            return Map.of("resolution", resolution);
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true, description = "Assign an incident to someone.",
            footer = {"", "Example:", "  phasegate incident assign 12 --assignee bob@example.com"})
    static final class Assign extends Change {
        @Option(names = "--assignee", required = true, description = "who works on it")
        String assignee;

        String action() {
            return "assign";
        }

        Map<String, Object> body() {
            return Map.of("assignee", assignee);
        }
    }

    @Command(name = "comment", mixinStandardHelpOptions = true, description = "Add a comment to an incident's timeline.",
            footer = {"", "Example:", "  phasegate incident comment 12 --text 'error rate back under 1 %'"})
    static final class Comment implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "incident id")
        String id;
        @Option(names = "--text", required = true, description = "the comment")
        String text;

        @Override
        public Integer call() {
            return options.print(options.client().post("/api/v1/incidents/" + ApiClient.encode(id) + "/comments", Map.of("text", text)),
                    e -> System.out.println("comment " + e.path("id").asLong() + " added to incident " + e.path("incidentId").asLong()));
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "The incident report: summary, impact, durations, timeline, decisions (Markdown by default, or JSON).",
            footer = {"", "Examples:", "  phasegate incident report 12", "  phasegate incident report 12 --format json",
                    "  phasegate incident report 12 --output incident-12.md"})
    static final class Report implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "incident id")
        String id;
        @Option(names = "--format", defaultValue = "md", description = "md or json (default ${DEFAULT-VALUE}; --json is json)")
        String format;
        @Option(names = {"-o", "--output"}, description = "write to this file instead of the terminal")
        Path output;

        @Override
        public Integer call() {
            String wanted = options.json ? "json" : format;
            ApiClient.Answer answer = options.client().get(new Query("/api/v1/incidents/" + ApiClient.encode(id) + "/report")
                    .add("format", wanted).toString());
            if (!answer.ok()) {
                return options.printError(answer);
            }
            String text = answer.body() != null && !"md".equals(wanted) ? ClientOptions.pretty(answer.body()) : answer.raw();
            if (output == null) {
                System.out.println(text);
                return ExitCodes.OK;
            }
            try {
                Files.writeString(output, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("error: cannot write " + output + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            System.out.println("wrote the report of incident " + id + " to " + output);
            return ExitCodes.OK;
        }
    }
}
