package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Rollout listing and transitions. */
final class RolloutCommands {

    private RolloutCommands() {
    }

    static void printRollout(JsonNode r) {
        System.out.println(r.path("key").asText() + " — " + r.path("name").asText());
        System.out.println("state " + r.path("state").asText() + ", phase " + r.path("currentPhase").asInt() + " of "
                + r.path("phaseCount").asInt() + " (" + r.path("currentPhaseName").asText() + "), enrolled "
                + r.path("enrolled").asInt() + "/" + r.path("capacity").asInt() + ", waitlist " + r.path("waitlisted").asInt());
        Table t = new Table("PHASE", "NAME", "CAPACITY", "JOINED", "PERCENT", "UNLOCKS", "");
        for (JsonNode p : r.path("phases")) {
            StringBuilder features = new StringBuilder();
            for (JsonNode f : p.path("features")) {
                features.append(features.isEmpty() ? "" : ", ").append(f.asText());
            }
            t.row(p.path("number").asInt(), p.path("name").asText(), p.path("capacity").asInt(), p.path("joined").asInt(),
                    p.path("percentage").asInt() + "%", features, p.path("current").asBoolean() ? "◀ current" : "");
        }
        t.print(System.out);
        boolean anyKilled = false;
        for (JsonNode f : r.path("features")) {
            if (f.path("killSwitch").asBoolean()) {
                if (!anyKilled) {
                    System.out.println("kill switches on:");
                    anyKilled = true;
                }
                System.out.println("  " + f.path("key").asText() + ": " + f.path("killReason").asText(""));
            }
        }
    }

    @Command(name = "rollouts", mixinStandardHelpOptions = true, description = "List rollouts.", footer = {"", "Example:", "  phasegate rollouts --json"})
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/rollouts"), b -> {
                Table t = new Table("ROLLOUT", "STATE", "PHASE", "ENROLLED", "WAITLIST");
                for (JsonNode r : b.path("items")) {
                    t.row(r.path("key").asText(), r.path("state").asText(),
                            r.path("currentPhase").asInt() + "/" + r.path("phaseCount").asInt() + " " + r.path("currentPhaseName").asText(),
                            r.path("enrolled").asInt() + "/" + r.path("capacity").asInt(), r.path("waitlisted").asInt());
                }
                t.print(System.out);
            });
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true, description = "Show one rollout: state, phases, counts.",
            footer = {"", "Example:", "  phasegate rollout trading-engine-v2"})
    static final class Get implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;

        @Override
        public Integer call() {
            return options.print(options.client().get("/api/v1/rollouts/" + ApiClient.encode(key)), RolloutCommands::printRollout);
        }
    }

    abstract static class Transition implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", description = "rollout key")
        String key;
        @Option(names = "--reason", description = "why (kept in the audit log)")
        String reason;

        abstract String action();

        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            return body;
        }

        @Override
        public Integer call() {
            return options.print(options.client().post("/api/v1/rollouts/" + ApiClient.encode(key) + "/" + action(), body()),
                    RolloutCommands::printRollout);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a draft rollout.", footer = {"", "Example:", "  phasegate start trading-engine-v2"})
    static final class Start extends Transition {
        String action() {
            return "start";
        }
    }

    @Command(name = "advance", mixinStandardHelpOptions = true, description = "Move an active rollout to its next phase.",
            footer = {"", "Example:", "  phasegate advance trading-engine-v2 --reason 'phase 1 healthy for 48h'"})
    static final class Advance extends Transition {
        String action() {
            return "advance";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a rollout: admissions stop; features stay unless --withdraw-features.",
            footer = {"", "Example:", "  phasegate pause trading-engine-v2 --reason 'investigating latency'"})
    static final class Pause extends Transition {
        @Option(names = "--withdraw-features", description = "also turn every feature of the rollout off while paused")
        boolean withdraw;

        String action() {
            return "pause";
        }

        @Override
        Map<String, Object> body() {
            Map<String, Object> body = super.body();
            if (withdraw) {
                body.put("withdrawFeatures", true);
            }
            return body;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused or rolled-back rollout (after a rollback: from the phase it reverted to; --reason required).",
            footer = {"", "Examples:", "  phasegate resume trading-engine-v2", "  phasegate resume trading-engine-v2 --reason 'fix 2.3.1 deployed'"})
    static final class Resume extends Transition {
        String action() {
            return "resume";
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true, description = "Complete a rollout in its last phase: features on for everyone.",
            footer = {"", "Example:", "  phasegate complete trading-engine-v2"})
    static final class Complete extends Transition {
        String action() {
            return "complete";
        }
    }
}
