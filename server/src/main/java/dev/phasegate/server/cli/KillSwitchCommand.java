package dev.phasegate.server.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate kill-switch FEATURE --on --reason R} / {@code --off}. */
@Command(name = "kill-switch", mixinStandardHelpOptions = true, description = "Turn a feature off for everyone (--on), or restore it (--off).",
        footer = {"", "Examples:", "  phasegate kill-switch ai-analysis --on --reason 'bad model output'", "  phasegate kill-switch ai-analysis --off"})
final class KillSwitchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "feature key")
    String feature;

    static final class Mode {
        @Option(names = "--on", required = true, description = "kill the feature")
        boolean on;
        @Option(names = "--off", required = true, description = "restore the feature")
        boolean off;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;
    @Option(names = "--reason", description = "why (required with --on)")
    String reason;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("on", mode.on);
        if (reason != null) {
            body.put("reason", reason);
        }
        return options.print(options.client().put("/api/v1/features/" + ApiClient.encode(feature) + "/kill-switch", body),
                b -> System.out.println("kill switch of " + feature + " is " + (b.path("killSwitch").asBoolean() ? "ON (feature off for everyone)" : "off")));
    }
}
