package dev.phasegate.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a plan on its own (cross-rollout rules, such as feature keys unique on a server, and rules
 * about a live rollout's state belong to the store and {@link PlanChange}). Returns every problem, not
 * just the first, so a person fixes a plan in one round.
 */
public final class PlanValidator {

    /** More phases than this is a typo, not a rollout. */
    public static final int MAX_PHASES = 100;
    /** Ten million beta users is beyond any beta program; larger numbers are input errors. */
    public static final int MAX_CAPACITY = 10_000_000;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern WEBHOOK = Pattern.compile("https?://[^\\s]+");

    private PlanValidator() {
    }

    public static List<Problem> validate(Plan plan) {
        List<Problem> problems = new ArrayList<>();
        Identifiers.keyProblem(plan.key()).ifPresent(p -> problems.add(new Problem("rollout", p)));
        if (plan.name() != null && plan.name().length() > Identifiers.MAX_ID_LENGTH) {
            problems.add(new Problem("name", "is longer than " + Identifiers.MAX_ID_LENGTH + " characters"));
        }
        validatePhases(plan.phases(), problems);
        validateGuards(plan.guards(), plan.phases().size(), problems);
        if (plan.runbook().steps().isEmpty()) {
            problems.add(new Problem("runbook.steps", "must name at least one step"));
        }
        if (plan.runbook().verifyFor().isNegative()) {
            problems.add(new Problem("runbook.verifyFor", "must not be negative"));
        }
        if (plan.runbook().verifyTimeout().compareTo(plan.runbook().verifyFor()) <= 0) {
            problems.add(new Problem("runbook.verifyTimeout", "must be longer than verifyFor ("
                    + Durations.format(plan.runbook().verifyFor()) + "), was " + Durations.format(plan.runbook().verifyTimeout())));
        }
        if (new HashSet<>(plan.runbook().steps()).size() != plan.runbook().steps().size()) {
            problems.add(new Problem("runbook.steps", "names a step more than once"));
        }
        for (int i = 0; i < plan.contacts().size(); i++) {
            Contact c = plan.contacts().get(i);
            String at = "contacts[" + i + "]";
            if (c.name() == null || c.name().isBlank()) {
                problems.add(new Problem(at + ".name", "is required"));
            }
            if (c.email() == null && c.webhook() == null) {
                problems.add(new Problem(at, "needs an email or a webhook"));
            }
            if (c.email() != null && !EMAIL.matcher(c.email()).matches()) {
                problems.add(new Problem(at + ".email", "'" + Identifiers.printable(c.email()) + "' is not an email address"));
            }
            if (c.webhook() != null && !WEBHOOK.matcher(c.webhook()).matches()) {
                problems.add(new Problem(at + ".webhook", "must be an http:// or https:// URL"));
            }
        }
        problems.addAll(plan.notifications().problems());
        return problems;
    }

    private static void validatePhases(List<Phase> phases, List<Problem> problems) {
        if (phases.isEmpty()) {
            problems.add(new Problem("phases", "must have at least one phase"));
            return;
        }
        if (phases.size() > MAX_PHASES) {
            problems.add(new Problem("phases", "has " + phases.size() + " phases; at most " + MAX_PHASES + " are allowed"));
        }
        Map<String, Integer> seen = new HashMap<>();
        Set<String> names = new HashSet<>();
        int previousCapacity = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            String at = "phases[" + i + "]";
            if (phase.name() == null || phase.name().isBlank()) {
                problems.add(new Problem(at + ".name", "is required"));
            } else if (!names.add(phase.name())) {
                problems.add(new Problem(at + ".name", "'" + phase.name() + "' is used by an earlier phase"));
            }
            if (phase.capacity() < 1 || phase.capacity() > MAX_CAPACITY) {
                problems.add(new Problem(at + ".capacity", "must be between 1 and " + MAX_CAPACITY + ", was " + phase.capacity()));
            } else if (phase.capacity() <= previousCapacity) {
                problems.add(new Problem(at + ".capacity", "capacities are cumulative and must increase: "
                        + phase.capacity() + " is not above the previous phase's " + previousCapacity));
            }
            previousCapacity = Math.max(previousCapacity, phase.capacity());
            if (phase.percentage() < 0 || phase.percentage() > 100) {
                problems.add(new Problem(at + ".percentage", "must be between 0 and 100, was " + phase.percentage()));
            }
            for (int f = 0; f < phase.features().size(); f++) {
                String feature = phase.features().get(f);
                String fat = at + ".features[" + f + "]";
                var keyProblem = Identifiers.keyProblem(feature);
                if (keyProblem.isPresent()) {
                    problems.add(new Problem(fat, keyProblem.get()));
                    continue;
                }
                Integer earlier = seen.putIfAbsent(feature, i);
                if (earlier != null) {
                    problems.add(new Problem(fat, "feature '" + feature + "' is already unlocked by phases[" + earlier
                            + "]; features are cumulative, list each once"));
                }
            }
            AdvanceCriteria a = phase.advance();
            if (a.minActiveUsers() != null && a.minActiveUsers() < 0) {
                problems.add(new Problem(at + ".advance.minActiveUsers", "must not be negative"));
            }
            if (a.maxErrorRate() != null && (a.maxErrorRate() < 0 || a.maxErrorRate() > 100)) {
                problems.add(new Problem(at + ".advance.maxErrorRate", "is a percentage between 0 and 100"));
            }
            if (a.minSatisfaction() != null && (a.minSatisfaction() < 1 || a.minSatisfaction() > 5)) {
                problems.add(new Problem(at + ".advance.minSatisfaction", "is a rating between 1 and 5"));
            }
            if (a.minDuration() != null && a.minDuration().isNegative()) {
                problems.add(new Problem(at + ".advance.minDuration", "must not be negative"));
            }
        }
    }

    private static void validateGuards(List<Guard> guards, int phaseCount, List<Problem> problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < guards.size(); i++) {
            Guard g = guards.get(i);
            String at = "guards[" + i + "]";
            var nameProblem = Identifiers.keyProblem(g.name());
            if (nameProblem.isPresent()) {
                problems.add(new Problem(at + ".name", nameProblem.get()));
            } else if (!names.add(g.name())) {
                problems.add(new Problem(at + ".name", "'" + g.name() + "' is used by an earlier guard"));
            }
            switch (g.kind()) {
                case THRESHOLD -> validateLevels(g, at, problems);
                case COMPARISON -> validateComparison(g, at, problems);
                case TREND -> validateTrend(g, at, problems);
            }
            validateSource(g, at, problems);
            if (g.metric().host() && g.scope() != GuardScope.SYSTEM) {
                problems.add(new Problem(at + ".scope", "must be system for " + g.metric().planName()
                        + ", which is measured on the host, was " + g.scope().planName()));
            }
            if (!g.metric().host() && g.metric() != GuardMetric.PROMQL && g.metric() != GuardMetric.CUSTOM
                    && g.scope() == GuardScope.SYSTEM) {
                problems.add(new Problem(at + ".scope", "must be beta or control for " + g.metric().planName()
                        + ", which is measured from telemetry, was system"));
            }
            if (g.phase() != null) {
                if (g.scope() != GuardScope.BETA) {
                    problems.add(new Problem(at + ".phase", "applies to scope beta only, scope was " + g.scope().planName()));
                } else if (g.phase() < 1 || g.phase() > phaseCount) {
                    problems.add(new Problem(at + ".phase", "must be a phase number from 1 to " + phaseCount
                            + ", was " + g.phase()));
                }
            }
            if (g.forDuration().isNegative()) {
                problems.add(new Problem(at + ".for", "must not be negative"));
            }
            if (g.keepFiringFor().isNegative()) {
                problems.add(new Problem(at + ".keepFiringFor", "must not be negative"));
            }
            if (g.window().compareTo(MIN_WINDOW) < 0 || g.window().compareTo(MAX_WINDOW) > 0) {
                problems.add(new Problem(at + ".window", "must be between 10s (one telemetry bucket) and 1h, was "
                        + Durations.format(g.window())));
            }
            if (g.minSamples() < 1) {
                problems.add(new Problem(at + ".minSamples", "must be at least 1, was " + g.minSamples()));
            }
            if (g.onWarning() != null) {
                if (!callableUrl(g.onWarning().webhook())) {
                    problems.add(new Problem(at + ".onWarning.webhook", "must be an http:// or https:// URL with a host"));
                }
                if (g.onWarning().cooldown().isNegative()) {
                    problems.add(new Problem(at + ".onWarning.cooldown", "must not be negative"));
                }
            }
        }
    }

    /** One telemetry bucket; nothing shorter can be measured. */
    private static final Duration MIN_WINDOW = Duration.ofSeconds(10);
    /** Telemetry is held in memory for an hour by default; guards read only what is in memory. */
    private static final Duration MAX_WINDOW = Duration.ofHours(1);

    private static void validateLevels(Guard g, String at, List<Problem> problems) {
        if (!Double.isFinite(g.warning()) || !g.metric().inRange(g.warning())) {
            problems.add(new Problem(at + ".warning", "must be " + range(g.metric()) + " for " + g.metric().planName() + ", was " + g.warning()));
        }
        if (!Double.isFinite(g.critical()) || !g.metric().inRange(g.critical())) {
            problems.add(new Problem(at + ".critical", "must be " + range(g.metric()) + " for " + g.metric().planName() + ", was " + g.critical()));
        }
        if (g.critical() <= g.warning()) {
            problems.add(new Problem(at + ".critical", "must be above the warning level (" + g.warning()
                    + "), was " + g.critical()));
        }
    }

    private static void validateComparison(Guard g, String at, List<Problem> problems) {
        if (g.metric() != GuardMetric.ERROR_RATE_PERCENT && !g.metric().latency()) {
            problems.add(new Problem(at + ".metric", "a comparison guard compares error-rate or latency "
                    + "(p50-latency, p95-latency, p99-latency), was " + g.metric().planName()));
        }
        if (g.scope() != GuardScope.BETA) {
            problems.add(new Problem(at + ".scope", "a comparison guard compares beta against control: scope must be beta, was "
                    + g.scope().planName()));
        }
        for (String level : List.of("warning", "critical")) {
            double confidence = level.equals("warning") ? g.warning() : g.critical();
            if (!Double.isFinite(confidence) || confidence < 50 || confidence >= 100) {
                problems.add(new Problem(at + "." + level, "is a confidence in percent for a comparison guard: "
                        + "at least 50 and below 100 (e.g. 99 and 99.9), was " + confidence));
            }
        }
        if (g.critical() <= g.warning()) {
            problems.add(new Problem(at + ".critical", "must be a higher confidence than warning (" + g.warning()
                    + "), was " + g.critical()));
        }
    }

    private static void validateTrend(Guard g, String at, List<Problem> problems) {
        if (!Double.isNaN(g.warning())) {
            problems.add(new Problem(at + ".warning", "is not used by a trend guard, which only warns; "
                    + "give the level to forecast as critical"));
        }
        if (!Double.isFinite(g.critical()) || !g.metric().inRange(g.critical())) {
            problems.add(new Problem(at + ".critical", "must be " + range(g.metric()) + " for " + g.metric().planName() + ", was " + g.critical()));
        }
        if (g.horizon() == null || g.horizon().compareTo(Duration.ofMinutes(1)) < 0
                || g.horizon().compareTo(Duration.ofDays(1)) > 0) {
            problems.add(new Problem(at + ".horizon", "must be between 1m and 1d, was "
                    + (g.horizon() == null ? "missing" : Durations.format(g.horizon()))));
        }
        if (g.metric() == GuardMetric.PROMQL) {
            problems.add(new Problem(at + ".metric", "a trend guard reads telemetry or host metrics; "
                    + "for a PromQL trend use predict_linear() in a threshold guard's query"));
        }
        if (g.onCritical() != GuardAction.ALERT) {
            problems.add(new Problem(at + ".onCritical", "a trend guard only warns: it cannot "
                    + g.onCritical().planName() + "; leave onCritical out"));
        }
    }

    private static void validateSource(Guard g, String at, List<Problem> problems) {
        if (g.metric() == GuardMetric.CUSTOM) {
            if (g.metricName() == null) {
                problems.add(new Problem(at + ".metricName", "is required for metric custom: the name of the metric events to read"));
            } else {
                Identifiers.keyProblem(g.metricName()).ifPresent(p -> problems.add(new Problem(at + ".metricName", p)));
            }
        } else if (g.metricName() != null) {
            problems.add(new Problem(at + ".metricName", "applies to metric custom only"));
        }
        if (g.metric() == GuardMetric.PROMQL) {
            if (g.query() == null || g.query().isBlank()) {
                problems.add(new Problem(at + ".query", "is required for metric promql: the PromQL expression"));
            } else if (g.query().length() > 4000) {
                problems.add(new Problem(at + ".query", "must be at most 4000 characters, was " + g.query().length()));
            }
        } else if (g.query() != null) {
            problems.add(new Problem(at + ".query", "applies to metric promql only"));
        }
    }

    /** The server calls this URL itself, so it must parse as a URI with a host, not only look like one. */
    private static boolean callableUrl(String url) {
        if (url == null || !WEBHOOK.matcher(url).matches()) {
            return false;
        }
        try {
            return new java.net.URI(url).getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String range(GuardMetric metric) {
        if (metric.min() == -Double.MAX_VALUE) {
            return "a finite number";
        }
        return "between " + metric.min() + " and " + rangeMax(metric);
    }

    private static String rangeMax(GuardMetric metric) {
        return metric.max() == Double.MAX_VALUE ? "any positive number" : String.valueOf(metric.max());
    }
}
