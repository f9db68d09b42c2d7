package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code phasegate audit [--rollout KEY]}. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Show the audit log, newest first.",
        footer = {"", "Example:", "  phasegate audit --rollout trading-engine-v2 --limit 20"})
final class AuditCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Option(names = "--rollout", description = "only this rollout")
    String rollout;
    @Option(names = "--limit", defaultValue = "50", description = "entries (default ${DEFAULT-VALUE})")
    int limit;
    @Option(names = "--before", description = "cursor from the previous page")
    String before;

    @Override
    public Integer call() {
        StringBuilder path = new StringBuilder("/api/v1/audit?limit=" + limit);
        if (rollout != null) {
            path.append("&rollout=").append(ApiClient.encode(rollout));
        }
        if (before != null) {
            path.append("&before=").append(ApiClient.encode(before));
        }
        return options.print(options.client().get(path.toString()), b -> {
            Table t = new Table("ID", "AT", "ACTOR", "ACTION", "SUBJECT", "AFTER");
            for (JsonNode e : b.path("items")) {
                String after = e.path("after").isMissingNode() || e.path("after").isNull() ? "" : e.path("after").toString();
                t.row(e.path("id").asLong(), e.path("at").asText(), e.path("actor").asText(), e.path("action").asText(),
                        e.path("subject").asText(""), after.length() > 80 ? after.substring(0, 77) + "..." : after);
            }
            t.print(System.out);
        });
    }
}
