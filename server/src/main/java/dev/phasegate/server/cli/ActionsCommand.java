package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code phasegate actions [--rollout KEY] [--kind KIND]}. */
@Command(name = "actions", mixinStandardHelpOptions = true,
        description = "Remediation and maintenance actions (auto-advance, webhooks, store maintenance), newest first.",
        footer = {"", "Examples:", "  phasegate actions --rollout trading-engine-v2", "  phasegate actions --kind maintenance.vacuum --limit 5"})
final class ActionsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Option(names = "--rollout", description = "only this rollout")
    String rollout;
    @Option(names = "--kind", description = "advance, webhook, maintenance.analyze, maintenance.vacuum, ...")
    String kind;
    @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--before", description = "cursor from the previous page")
    String before;

    @Override
    public Integer call() {
        String path = new Query("/api/v1/actions").add("rollout", rollout).add("kind", kind).add("limit", limit).add("before", before).toString();
        return options.print(options.client().get(path), b -> {
            Table t = new Table("ID", "AT", "KIND", "ROLLOUT", "RESULT", "MS", "WHY", "DETAIL");
            for (JsonNode a : b.path("items")) {
                t.row(Query.text(a, "id"), a.path("at").asText(), a.path("kind").asText(), Query.text(a, "rollout"), a.path("result").asText(),
                        a.path("durationMs").asLong(), Query.cut(a.path("why").asText(""), 60), Query.cut(a.path("detail").asText(""), 60));
            }
            t.print(System.out);
        });
    }
}
