package dev.phasegate.server.demo;

import dev.phasegate.core.plan.Durations;

import java.time.Duration;
import java.util.List;

/**
 * The demo's copy of the reference plan (examples/trading-engine.yaml): the same rollout, phases, capacities and
 * features, with advancement automatic and minutes instead of days, and guards tuned so a healthy run passes and
 * a fault is caught within seconds.
 *
 * @param speed how much faster than the demo's own pace time runs: minimum durations are divided by it
 * @param users how many traders the application simulates (sets the active-user criteria it can meet)
 */
record DemoPlan(int speed, int users) {

    static final String ROLLOUT = "trading-engine-v2";

    /** The reference plan's phases: name, cumulative capacity, features unlocked. */
    record PhaseSpec(String name, int capacity, List<String> features, int minActiveUsers) {
    }

    static final List<PhaseSpec> PHASES = List.of(
            new PhaseSpec("pilot", 5, List.of("basic-trading", "portfolio-view"), 3),
            new PhaseSpec("early-access", 15, List.of("ai-analysis"), 10),
            new PhaseSpec("broad-beta", 50, List.of("advanced-strategies"), 30),
            new PhaseSpec("all-beta-users", 100, List.of(), 0));

    /**
     * Each phase lasts at least 10 minutes at speed 1: long enough for a few hundred requests and a dozen
     * ratings from the pilot's five users, short enough that speed 10 tells the whole story in ~5 minutes.
     */
    static final Duration PHASE_DURATION = Duration.ofMinutes(10);

    DemoPlan {
        if (speed < 1) {
            throw new IllegalArgumentException("speed must be at least 1, was " + speed);
        }
    }

    Duration minDuration() {
        return Duration.ofMillis(Math.max(1000, PHASE_DURATION.toMillis() / speed));
    }

    /**
     * The reference plan's active-user criterion, lowered to 60 % of the beta users the simulation can have in the
     * phase when it has fewer traders than the reference expects (not every beta user is online in every phase).
     */
    int minActiveUsers(int phase) {
        PhaseSpec p = PHASES.get(phase - 1);
        long candidates = Math.round(users * TradingApp.BETA_SHARE);
        long reachable = Math.min(p.capacity(), candidates);
        return (int) Math.max(1, Math.min(p.minActiveUsers(), Math.floor(reachable * 0.6)));
    }

    /** The features phase {@code phase} has, its own and the earlier phases'. */
    static List<String> featuresUpTo(int phase) {
        return PHASES.subList(0, phase).stream().flatMap(p -> p.features().stream()).toList();
    }

    /** The plan as YAML, for {@code PUT /api/v1/rollouts/trading-engine-v2}. */
    String yaml() {
        String min = Durations.format(minDuration());
        StringBuilder y = new StringBuilder();
        y.append("""
                # The demo's copy of examples/trading-engine.yaml (written by `phasegate demo --speed %d`):
                # same phases and features; the guardian advances by itself after %s per phase;
                # guards read 30 s windows so a fault is caught in seconds.
                rollout: %s
                name: Trading engine v2 (demo)
                description: New order routing and analysis features, rolled out to beta traders phase by phase.
                start: active
                phases:
                """.formatted(speed, min, ROLLOUT));
        for (int i = 0; i < PHASES.size(); i++) {
            PhaseSpec p = PHASES.get(i);
            y.append("  - name: ").append(p.name()).append('\n');
            y.append("    capacity: ").append(p.capacity()).append('\n');
            y.append("    features: [").append(String.join(", ", p.features())).append("]\n");
            if (i < PHASES.size() - 1) {
                y.append("    advance: {auto: true, minDuration: ").append(min).append(", minActiveUsers: ").append(minActiveUsers(i + 1))
                        .append(", maxErrorRate: 1.0, minSatisfaction: 4.0}\n");
            }
        }
        // No CPU and memory guards: they judge the host, and a laptop busy with other work would pause the demo.
        // minSamples 20: the pilot's five users send ~60 requests in 30 s at speed 1, so the guards always judge.
        y.append("""
                guards:
                  - {name: error-rate, metric: error-rate, scope: beta, warning: 1, critical: 2, window: 30s, for: 10s, keepFiringFor: 30s, minSamples: 20, onCritical: rollback}
                  - {name: response-time, metric: p95-latency, scope: beta, warning: 1.5, critical: 3.0, window: 30s, for: 10s, keepFiringFor: 30s, minSamples: 20, onCritical: rollback}
                  - {name: errors-vs-control, kind: comparison, metric: error-rate, window: 2m, for: 10s, keepFiringFor: 30s, minSamples: 50, onCritical: rollback}
                runbook:
                  steps: [pause-enrollment, disable-features, notify-users, notify-contacts, open-incident, verify-recovery]
                  disable: revert-phase
                  verifyFor: 20s
                  verifyTimeout: 5m
                contacts:
                  - {name: Trading on-call, role: on-call, email: oncall@trading.example}
                  - {name: Release manager, role: release-manager, email: releases@trading.example}
                """);
        return y.toString();
    }
}
