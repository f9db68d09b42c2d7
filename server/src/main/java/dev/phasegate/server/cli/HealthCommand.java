package dev.phasegate.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code phasegate health}: liveness and readiness of a node (no token needed). */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Is the server up, and can it reach its store?",
        footer = {"", "Exit code 0 when ready, 1 when up but the store is unreachable.", "", "Example:",
                "  phasegate health --server http://phasegate-2:8080"})
final class HealthCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        ApiClient client = options.client();
        ApiClient.Answer live = client.get("/healthz");
        if (!live.ok()) {
            return options.printError(live);
        }
        ApiClient.Answer ready = client.get("/readyz");
        if (options.json) {
            System.out.println(ClientOptions.pretty(ready.body() == null ? live.body() : ready.body()));
        } else {
            System.out.println("live: " + live.body().path("status").asText() + ", ready: "
                    + (ready.body() == null ? "HTTP " + ready.status() : ready.body().path("status").asText()));
        }
        return ready.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
