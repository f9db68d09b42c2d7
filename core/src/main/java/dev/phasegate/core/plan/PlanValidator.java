package dev.phasegate.core.plan;

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
        validateGuards(plan.guards(), problems);
        if (plan.runbook().steps().isEmpty()) {
            problems.add(new Problem("runbook.steps", "must name at least one step"));
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

    private static void validateGuards(List<Guard> guards, List<Problem> problems) {
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
            if (!Double.isFinite(g.warning()) || !g.metric().inRange(g.warning())) {
                problems.add(new Problem(at + ".warning", "must be between " + g.metric().min() + " and "
                        + rangeMax(g.metric()) + " for " + g.metric().planName() + ", was " + g.warning()));
            }
            if (!Double.isFinite(g.critical()) || !g.metric().inRange(g.critical())) {
                problems.add(new Problem(at + ".critical", "must be between " + g.metric().min() + " and "
                        + rangeMax(g.metric()) + " for " + g.metric().planName() + ", was " + g.critical()));
            }
            if (g.critical() <= g.warning()) {
                problems.add(new Problem(at + ".critical", "must be above the warning level (" + g.warning()
                        + "), was " + g.critical()));
            }
            if (g.forDuration().isNegative()) {
                problems.add(new Problem(at + ".for", "must not be negative"));
            }
            if (g.keepFiringFor().isNegative()) {
                problems.add(new Problem(at + ".keepFiringFor", "must not be negative"));
            }
            if (g.minSamples() < 1) {
                problems.add(new Problem(at + ".minSamples", "must be at least 1, was " + g.minSamples()));
            }
        }
    }

    private static String rangeMax(GuardMetric metric) {
        return metric.max() == Double.MAX_VALUE ? "any positive number" : String.valueOf(metric.max());
    }
}
