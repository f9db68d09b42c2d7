package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.core.plan.Durations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code phasegate wait-phase KEY --phase N} (or {@code --state S}): polls the rollout until it gets there,
 * with a progress line on stderr saying where it is and, in an active phase, what readiness still lacks.
 */
@Command(name = "wait-phase", mixinStandardHelpOptions = true,
        description = "Wait until a rollout reaches a phase (or a state), showing where it is and what it waits for.",
        footer = {"", "Exit codes: 0 reached, 3 no such rollout, 4 it can no longer get there (completed before the phase, "
                + "rolled back), 5 no such phase, 8 timed out.", "",
                "Examples:", "  phasegate wait-phase trading-engine-v2 --phase 3 --timeout 2h",
                "  phasegate wait-phase trading-engine-v2 --state completed --interval 30s",
                "  phasegate advance trading-engine-v2 && phasegate wait-phase trading-engine-v2 --phase 2"})
final class WaitPhaseCommand implements Callable<Integer> {

    private static final Set<String> STATES = Set.of("draft", "active", "paused", "rolling_back", "rolled_back", "completed");

    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;
    @Option(names = "--timeout", defaultValue = "30m", description = "give up after this long, like 90s, 30m, 2h (default ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--interval", defaultValue = "5s", description = "how often to look, like 500ms, 5s (default ${DEFAULT-VALUE})")
    String interval;

    static final class Target {
        @Option(names = "--phase", required = true, description = "the phase number to reach (or pass)")
        Integer phase;
        @Option(names = "--state", required = true, description = "the state to reach: " + "draft, active, paused, rolling_back, rolled_back, completed")
        String state;
    }

    @Override
    public Integer call() {
        Duration limit = Durations.parse(timeout).orElse(null);
        Duration every = Durations.parse(interval).orElse(null);
        if (limit == null || every == null || every.isZero()) {
            System.err.println("error: --timeout and --interval must be durations like 500ms, 5s, 30m");
            return ExitCodes.USAGE;
        }
        if (target.state != null && !STATES.contains(target.state)) {
            System.err.println("error: --state must be one of " + String.join(", ", new java.util.TreeSet<>(STATES)));
            return ExitCodes.USAGE;
        }
        ApiClient client = options.client();
        String path = "/api/v1/rollouts/" + ApiClient.encode(key);
        PrintStream err = System.err;
        long start = System.nanoTime();
        String goal = target.phase != null ? "phase " + target.phase : "state " + target.state;
        int lastWidth = 0;
        while (true) {
            ApiClient.Answer answer = client.get(path);
            if (!answer.ok()) {
                if (lastWidth > 0) {
                    err.println();
                }
                return options.printError(answer);
            }
            JsonNode r = answer.body();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            String state = r.path("state").asText();
            int phase = r.path("currentPhase").asInt();
            if (target.phase != null && target.phase > r.path("phaseCount").asInt()) {
                err.println("error: rollout " + key + " has " + r.path("phaseCount").asInt() + " phase(s); there is no phase " + target.phase);
                return ExitCodes.INVALID;
            }
            // A phase counts as reached while the rollout serves it (active or paused in it) or has completed after it.
            boolean reached = target.phase != null
                    ? phase >= target.phase && Set.of("active", "paused", "completed").contains(state)
                    : state.equals(target.state);
            if (reached) {
                if (lastWidth > 0) {
                    err.println();
                }
                if (options.json) {
                    System.out.println(ClientOptions.pretty(r));
                } else {
                    System.out.println(key + " reached " + goal + " (" + describe(r) + ") after " + seconds(elapsed));
                }
                return ExitCodes.OK;
            }
            String never = unreachable(r);
            if (never != null) {
                if (lastWidth > 0) {
                    err.println();
                }
                err.println("error: rollout " + key + " will not reach " + goal + ": " + never);
                return ExitCodes.CONFLICT;
            }
            if (elapsed.compareTo(limit) >= 0) {
                if (lastWidth > 0) {
                    err.println();
                }
                err.println("error: timed out after " + Durations.format(limit) + " waiting for " + key + " to reach " + goal
                        + "; it is " + describe(r));
                return ExitCodes.TIMEOUT;
            }
            String line = "waiting for " + key + " to reach " + goal + ": " + describe(r) + waitingFor(client, path, r) + ", " + seconds(elapsed);
            err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            err.flush();
            lastWidth = line.length();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILED;
            }
        }
    }

    /** Why the goal cannot be reached any more, or null while it still can. */
    private String unreachable(JsonNode r) {
        String state = r.path("state").asText();
        if (state.equals("completed")) {
            return "it is completed";
        }
        if (target.phase != null && (state.equals("rolled_back") || state.equals("rolling_back"))) {
            return "it is " + state.replace('_', ' ') + " (to phase " + r.path("currentPhase").asInt() + ")";
        }
        return null;
    }

    private static String describe(JsonNode r) {
        return r.path("state").asText() + " in phase " + r.path("currentPhase").asInt() + "/" + r.path("phaseCount").asInt()
                + " (" + r.path("currentPhaseName").asText() + "), " + r.path("enrolled").asInt() + "/" + r.path("capacity").asInt() + " enrolled";
    }

    /** In an active phase: what readiness says is missing (an advance is a person's or auto-advance's call). */
    private String waitingFor(ApiClient client, String path, JsonNode r) {
        if (target.phase == null || !r.path("state").asText().equals("active")) {
            return "";
        }
        ApiClient.Answer readiness = client.get(path + "/readiness");
        if (!readiness.ok() || readiness.body() == null) {
            return "";
        }
        JsonNode b = readiness.body();
        return b.path("ready").asBoolean() ? "; ready to advance" + (b.path("auto").asBoolean() ? " (auto)" : "")
                : "; " + b.path("reason").asText();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
