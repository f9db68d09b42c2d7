package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.core.plan.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate silence list|add|expire}. */
@Command(name = "silence", mixinStandardHelpOptions = true, description = "Silences: mute the notifications of matching alerts for a while.",
        subcommands = {SilenceCommands.List.class, SilenceCommands.Add.class, SilenceCommands.Expire.class},
        footer = {"", "Examples:", "  phasegate silence add --match rollout=checkout-v2 --match 'guard=~latency-.*' --for 2h --comment 'load test'",
                "  phasegate silence list", "  phasegate silence expire 3"})
final class SilenceCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static String matchers(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : s.path("matchers")) {
            sb.append(sb.isEmpty() ? "" : ", ").append(m.path("name").asText()).append(m.path("isRegex").asBoolean() ? "=~" : "=")
                    .append(m.path("value").asText());
        }
        return sb.toString();
    }

    static void printSilence(String verb, JsonNode s) {
        System.out.println(verb + " silence " + s.path("id").asLong() + " (" + s.path("state").asText() + ") " + matchers(s)
                + " from " + s.path("startsAt").asText() + " to " + s.path("endsAt").asText() + ": " + s.path("comment").asText());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Silences not yet ended, newest first.",
            footer = {"", "Example:", "  phasegate silence list --expired"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--expired", description = "include ended silences")
        boolean expired;

        @Override
        public Integer call() {
            return options.print(options.client().get(new Query("/api/v1/silences").add("expired", expired ? "true" : null).toString()), b -> {
                Table t = new Table("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "BY", "COMMENT");
                for (JsonNode s : b.path("items")) {
                    t.row(s.path("id").asLong(), s.path("state").asText(), matchers(s), s.path("startsAt").asText(), s.path("endsAt").asText(),
                            Query.text(s, "createdBy"), Query.cut(s.path("comment").asText(), 60));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create a silence. Each --match is label=value, or label=~regex (a Java regular expression matching the whole value).",
            footer = {"", "Examples:", "  phasegate silence add --match rollout=checkout-v2 --for 2h --comment 'load test'",
                    "  phasegate silence add --match guard=~'latency-.*' --starts-at 2026-06-01T18:00:00Z --ends-at 2026-06-01T20:00:00Z --comment maintenance"})
    static final class Add implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--match", required = true, description = "label=value or label=~regex (repeatable)")
        java.util.List<String> match;
        @Option(names = "--comment", required = true, description = "why")
        String comment;
        @Option(names = "--starts-at", description = "ISO-8601 instant (default: now)")
        String startsAt;
        @Option(names = "--ends-at", description = "ISO-8601 instant")
        String endsAt;
        @Option(names = "--for", description = "how long from the start, like 30m or 2h (instead of --ends-at)")
        String duration;

        @Override
        public Integer call() {
            java.util.List<Map<String, Object>> matchers = new ArrayList<>();
            for (String m : match) {
                int eq = m.indexOf('=');
                if (eq <= 0) {
                    System.err.println("error: --match '" + m + "' must be label=value or label=~regex");
                    return ExitCodes.USAGE;
                }
                boolean regex = m.startsWith("=~", eq);
                Map<String, Object> matcher = new LinkedHashMap<>();
                matcher.put("name", m.substring(0, eq));
                matcher.put("value", m.substring(eq + (regex ? 2 : 1)));
                matcher.put("isRegex", regex);
                matchers.add(matcher);
            }
            if ((endsAt == null) == (duration == null)) {
                System.err.println("error: give either --ends-at or --for");
                return ExitCodes.USAGE;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("matchers", matchers);
            if (startsAt != null) {
                body.put("startsAt", startsAt);
            }
            if (duration != null) {
                Duration d = Durations.parse(duration).orElse(null);
                if (d == null) {
                    System.err.println("error: --for '" + duration + "' is not a duration like 30m or 2h");
                    return ExitCodes.USAGE;
                }
                Instant start;
                try {
                    start = startsAt == null ? Instant.now() : Instant.parse(startsAt);
                } catch (java.time.format.DateTimeParseException e) {
                    System.err.println("error: --starts-at '" + startsAt + "' is not an ISO-8601 instant");
                    return ExitCodes.USAGE;
                }
                body.put("endsAt", start.plus(d).truncatedTo(ChronoUnit.SECONDS).toString());
            } else {
                body.put("endsAt", endsAt);
            }
            body.put("comment", comment);
            return options.print(options.client().post("/api/v1/silences", body), s -> printSilence("created", s));
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "End a silence now.",
            footer = {"", "Example:", "  phasegate silence expire 3"})
    static final class Expire implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "silence id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().post("/api/v1/silences/" + ApiClient.encode(id) + "/expire", null),
                    s -> printSilence("expired", s));
        }
    }
}
