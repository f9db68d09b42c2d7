package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate sdk instances|rules} and {@code phasegate evaluate} (OFREP). */
@Command(name = "sdk", mixinStandardHelpOptions = true, description = "What SDKs see: connected instances and the rules snapshot.",
        subcommands = {SdkCommands.Instances.class, SdkCommands.Rules.class},
        footer = {"", "Examples:", "  phasegate sdk instances", "  phasegate sdk rules --json"})
final class SdkCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "instances", mixinStandardHelpOptions = true,
            description = "SDK instances that reported to this node, and whether each runs the latest rules.",
            footer = {"", "Example:", "  phasegate sdk instances"})
    static final class Instances implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/sdk/instances"), b -> {
                System.out.println("rules version " + b.path("latestVersion").asLong() + ": " + b.path("onLatest").asInt() + " of "
                        + b.path("instances").asInt() + " instance(s) on it");
                Table t = new Table("INSTANCE", "SDK", "VERSION", "LAST SEEN", "LAG MS");
                for (JsonNode i : b.path("items")) {
                    t.row(i.path("instanceId").asText(), i.path("sdk").asText(), i.path("version").asLong(), i.path("lastSeen").asText(),
                            Query.text(i, "lagMillis"));
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "rules", mixinStandardHelpOptions = true, description = "The rules snapshot SDKs evaluate locally (an sdk token will do).",
            footer = {"", "Example:", "  phasegate sdk rules --json"})
    static final class Rules implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/sdk/rules"), b -> {
                System.out.println("rules version " + b.path("version").asLong());
                Table t = new Table("ROLLOUT", "STATE", "PHASE", "FEATURES", "ENROLLED", "WAITLISTED");
                for (JsonNode r : b.path("rollouts")) {
                    StringBuilder features = new StringBuilder();
                    for (JsonNode f : r.path("features")) {
                        features.append(features.isEmpty() ? "" : ", ").append(f.path("key").asText())
                                .append(f.path("killSwitch").asBoolean() ? " (killed)" : "");
                    }
                    t.row(r.path("key").asText(), r.path("state").asText(), r.path("currentPhase").asInt(), features,
                            r.path("enrolled").size(), r.path("waitlisted").size());
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Evaluate a feature (or, without one, every feature) for a user over OFREP, as an OpenFeature SDK would.",
            footer = {"", "Examples:", "  phasegate evaluate ai-analysis --user alice", "  phasegate evaluate --user alice --json"})
    static final class Evaluate implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", arity = "0..1", description = "feature key (default: every feature)")
        String feature;
        @Option(names = "--user", required = true, description = "the targeting key (user id)")
        String user;

        @Override
        public Integer call() {
            Map<String, Object> body = Map.of("context", Map.of("targetingKey", user));
            String path = feature == null ? "/ofrep/v1/evaluate/flags" : "/ofrep/v1/evaluate/flags/" + ApiClient.encode(feature);
            ApiClient.Answer answer = options.client().post(path, body);
            if (!answer.ok() && answer.body() != null && answer.body().has("errorCode")) {
                // OFREP's own error body, not a problem document.
                if (options.json) {
                    System.out.println(ClientOptions.pretty(answer.body()));
                }
                System.err.println("error (" + answer.status() + "): " + answer.body().path("errorCode").asText() + ": "
                        + answer.body().path("errorDetails").asText(""));
                return ExitCodes.forStatus(answer.status());
            }
            return options.print(answer, b -> {
                Table t = new Table("FEATURE", "VALUE", "REASON", "ROLLOUT", "PHASE", "PHASEGATE REASON");
                for (JsonNode f : feature == null ? b.path("flags") : java.util.List.of(b)) {
                    JsonNode m = f.path("metadata");
                    t.row(f.path("key").asText(), f.path("value").asBoolean() ? "on" : "off", f.path("reason").asText(), m.path("rollout").asText(),
                            m.path("phase").asInt(), m.path("phasegateReason").asText());
                }
                t.print(System.out);
            });
        }
    }
}
