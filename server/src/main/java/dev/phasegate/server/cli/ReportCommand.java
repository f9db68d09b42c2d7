package dev.phasegate.server.cli;

import dev.phasegate.server.ui.Assets;
import dev.phasegate.server.ui.SnapshotReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate report --rollout KEY --out report.html}: a self-contained HTML snapshot to share. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML file (styles, charts, data inline) with a rollout's state, phases, "
                + "metrics, readiness, guards and decisions, rollbacks, alerts and incidents.",
        footer = {"", "Examples:", "  phasegate report --rollout trading-engine-v2 --out report.html",
                "  phasegate report --rollout trading-engine-v2 --hours 24 --out day.html --url https://phasegate.example.com"})
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Option(names = "--url", description = "server URL (same as --server)")
    String url;
    @Option(names = "--rollout", required = true, description = "rollout key")
    String rollout;
    @Option(names = "--out", required = true, description = "the HTML file to write")
    Path out;
    @Option(names = "--hours", defaultValue = "1", description = "metrics over the last N hours (1–168; default ${DEFAULT-VALUE})")
    int hours;

    @Override
    public Integer call() {
        if (hours < 1 || hours > 168) {
            System.err.println("error: --hours must be between 1 and 168, was " + hours);
            return ExitCodes.USAGE;
        }
        if (url != null) {
            options.server = url;
        }
        ApiClient client = options.client();
        String base = "/api/v1/rollouts/" + ApiClient.encode(rollout);
        ApiClient.Answer found = client.get(base);
        if (!found.ok()) {
            return options.printError(found);
        }
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofHours(hours));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("generatedAt", to.toString());
        data.put("server", options.server != null ? options.server : System.getenv().getOrDefault("PHASEGATE_URL", "http://localhost:8080"));
        data.put("rollout", found.body());
        data.put("readiness", optional(client, base + "/readiness"));
        data.put("metrics", optional(client, base + "/metrics?from=" + from + "&to=" + to));
        data.put("guards", optional(client, base + "/guards"));
        data.put("guardian", optional(client, base + "/guardian?limit=50"));
        data.put("rollbacks", optional(client, base + "/rollbacks?limit=20"));
        data.put("decisions", optional(client, base + "/decisions?limit=100"));
        data.put("alerts", optional(client, "/api/v1/alerts?rollout=" + ApiClient.encode(rollout) + "&limit=200"));
        data.put("incidents", optional(client, "/api/v1/incidents?rollout=" + ApiClient.encode(rollout) + "&limit=50"));
        String html = SnapshotReport.render(data, new Assets());
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("error: cannot write " + out + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        System.out.println("wrote " + out + " (" + html.length() / 1024 + " KiB): open it in any browser, no server needed");
        return ExitCodes.OK;
    }

    /** A section's JSON, or null (shown as unavailable) when the server refuses it. */
    private static Object optional(ApiClient client, String path) {
        ApiClient.Answer answer = client.get(path);
        return answer.ok() ? answer.body() : null;
    }
}
