package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate token create|list|revoke}. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens (needs an admin token).",
        subcommands = {TokenCommands.Create.class, TokenCommands.List.class, TokenCommands.Revoke.class},
        footer = {"", "Examples:", "  phasegate token create --kind sdk --name checkout-service", "  phasegate token list",
                "  phasegate token revoke tok_1a2b3c4d5e6f7a8b"})
final class TokenCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token; its secret is shown only once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--kind", required = true, description = "admin, operator, sdk or ingest")
        String kind;
        @Option(names = "--name", description = "what it is for (default: the kind)")
        String name;

        @Override
        public Integer call() {
            return options.print(options.client().post("/api/v1/tokens", Map.of("kind", kind, "name", name == null ? kind : name)), b -> {
                System.out.println("created " + b.path("kind").asText() + " token " + b.path("id").asText() + " (" + b.path("name").asText() + ")");
                System.out.println("secret (shown only now): " + b.path("secret").asText());
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/tokens"), b -> {
                Table t = new Table("ID", "KIND", "NAME", "CREATED", "REVOKED");
                for (JsonNode tok : b.path("items")) {
                    t.row(tok.path("id").asText(), tok.path("kind").asText(), tok.path("name").asText(), tok.path("createdAt").asText(),
                            tok.path("revokedAt").asText(""));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "token id (tok_...)")
        String id;

        @Override
        public Integer call() {
            return options.print(options.client().delete("/api/v1/tokens/" + ApiClient.encode(id)),
                    b -> System.out.println("revoked " + b.path("id").asText()));
        }
    }
}
