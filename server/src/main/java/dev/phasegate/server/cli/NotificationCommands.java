package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate notification list|show|signing-key}. */
@Command(name = "notification", mixinStandardHelpOptions = true, description = "The notifications outbox: emails and webhooks, and how delivery went.",
        subcommands = {NotificationCommands.List.class, NotificationCommands.Show.class, NotificationCommands.SigningKey.class},
        footer = {"", "Examples:", "  phasegate notification list --status failed", "  phasegate notification show 41",
                "  phasegate notification signing-key"})
final class NotificationCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Messages, newest first.",
            footer = {"", "Example:", "  phasegate notification list --rollout trading-engine-v2 --kind user.enrolled"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--rollout", description = "only this rollout")
        String rollout;
        @Option(names = "--status", description = "pending, delivered or failed")
        String status;
        @Option(names = "--kind", description = "e.g. user.enrolled, contact.rollback-started")
        String kind;
        @Option(names = "--incident", description = "only notices of this incident")
        String incident;
        @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--before", description = "cursor from the previous page")
        String before;

        @Override
        public Integer call() {
            String path = new Query("/api/v1/notifications").add("rollout", rollout).add("status", status).add("kind", kind)
                    .add("incident", incident).add("limit", limit).add("before", before).toString();
            return options.print(options.client().get(path), b -> {
                Table t = new Table("ID", "CREATED", "KIND", "CHANNEL", "RECIPIENT", "STATUS", "ATTEMPTS", "LAST ERROR");
                for (JsonNode m : b.path("items")) {
                    t.row(m.path("id").asLong(), m.path("createdAt").asText(), m.path("kind").asText(), m.path("channel").asText(),
                            Query.cut(m.path("recipient").asText(), 50), m.path("status").asText(), m.path("attempts").asInt(),
                            Query.cut(Query.text(m, "lastError"), 60));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One message with its delivery log.",
            footer = {"", "Example:", "  phasegate notification show 41"})
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "notification id")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/notifications/" + ApiClient.encode(id)), m -> {
                System.out.println("notification " + m.path("id").asLong() + " [" + m.path("status").asText() + "] " + m.path("kind").asText()
                        + " by " + m.path("channel").asText() + " to " + m.path("recipient").asText());
                if (m.hasNonNull("subject")) {
                    System.out.println("subject: " + m.path("subject").asText());
                }
                if (m.hasNonNull("text")) {
                    System.out.println();
                    System.out.println(m.path("text").asText());
                    System.out.println();
                }
                Table t = new Table("ATTEMPT", "AT", "OUTCOME", "MS", "ERROR");
                for (JsonNode a : m.path("log")) {
                    t.row(a.path("attempt").asInt(), a.path("at").asText(), a.path("outcome").asText(), a.path("durationMs").asLong(),
                            Query.text(a, "error"));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "signing-key", mixinStandardHelpOptions = true,
            description = "The key webhook receivers verify X-Phasegate-Signature with (admin token).",
            footer = {"", "Example:", "  phasegate notification signing-key"})
    static final class SigningKey implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/notifications/signing-key"), k -> {
                System.out.println(k.path("algorithm").asText() + " key (" + k.path("source").asText() + "): " + k.path("secret").asText());
                System.out.println("signs: " + k.path("signs").asText());
            });
        }
    }
}
