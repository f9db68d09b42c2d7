package dev.phasegate.server.advance;

import dev.phasegate.core.plan.AdvanceCriteria;
import dev.phasegate.core.plan.Durations;
import dev.phasegate.core.rollout.RolloutState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The readiness judgement: evidence in, report out; no I/O, no clock. The plan's four criteria apply when
 * the plan sets them (else they are listed as met, "not required"); the last three always apply, because
 * advancing while an alert fires, a guard is blind or the sample is too small is advancing unjudged.
 */
final class Criteria {

    static final String MIN_DURATION = "min-duration";
    static final String MIN_ACTIVE_USERS = "min-active-users";
    static final String MAX_ERROR_RATE = "max-error-rate";
    static final String MIN_SATISFACTION = "min-satisfaction";
    static final String NO_FIRING_ALERTS = "no-firing-alerts";
    static final String GUARDS_HAVE_DATA = "guards-have-data";
    static final String ENOUGH_SAMPLES = "enough-samples";

    private static final String NOT_REQUIRED = "not required";

    private Criteria() {
    }

    static ReadinessReport judge(Evidence e) {
        AdvanceCriteria plan = e.criteria();
        List<Criterion> criteria = new ArrayList<>();
        criteria.add(minDuration(e, plan.minDuration()));
        criteria.add(minActiveUsers(e, plan.minActiveUsers()));
        criteria.add(maxErrorRate(e, plan.maxErrorRate()));
        criteria.add(minSatisfaction(e, plan.minSatisfaction()));
        criteria.add(noFiringAlerts(e));
        criteria.add(guardsHaveData(e));
        criteria.add(enoughSamples(e));

        List<String> unmet = criteria.stream().filter(c -> !c.met()).map(Criterion::name).toList();
        String reason = null;
        if (e.state() != RolloutState.ACTIVE) {
            reason = "the rollout is " + e.state().apiName() + ": only an active rollout advances";
        } else if (e.nextPhaseName() == null) {
            reason = "phase " + e.phase() + " (" + e.phaseName() + ") is the last: complete the rollout instead";
        } else if (!unmet.isEmpty()) {
            reason = "not met: " + String.join(", ", unmet);
        }
        return new ReadinessReport(e.rollout(), e.state().apiName(), e.phase(), e.phaseName(),
                e.nextPhaseName() == null ? null : e.phase() + 1, e.nextPhaseName(), e.phaseStartedAt(), e.now(),
                plan.auto(), reason == null, reason, List.copyOf(criteria), e.phaseStartedAt());
    }

    private static Criterion minDuration(Evidence e, Duration required) {
        Duration in = Duration.between(e.phaseStartedAt(), e.now());
        in = in.isNegative() ? Duration.ZERO : in;
        String value = human(in);
        if (required == null) {
            return new Criterion(MIN_DURATION, true, value, null, NOT_REQUIRED + "; in the phase for " + value);
        }
        boolean met = in.compareTo(required) >= 0;
        String detail = "in phase " + e.phase() + " for " + value + " since " + e.phaseStartedAt() + "; "
                + (met ? "at least " + Durations.format(required) + " required" : human(required.minus(in)) + " to go of "
                + Durations.format(required));
        return new Criterion(MIN_DURATION, met, value, Durations.format(required), detail);
    }

    private static Criterion minActiveUsers(Evidence e, Integer required) {
        String seen = String.format(Locale.ROOT, "%,d distinct beta user(s) of phase %d active since it started", e.activeUsers(), e.phase());
        if (required == null) {
            return new Criterion(MIN_ACTIVE_USERS, true, e.activeUsers(), null, NOT_REQUIRED + "; " + seen);
        }
        boolean met = e.activeUsers() >= required;
        return new Criterion(MIN_ACTIVE_USERS, met, e.activeUsers(), required, seen + "; at least " + required + " required");
    }

    private static Criterion maxErrorRate(Evidence e, Double required) {
        Double rate = e.requests() == 0 ? null : 100.0 * e.errors() / e.requests();
        String seen = rate == null ? "no beta requests since the phase started"
                : String.format(Locale.ROOT, "%.2f %% of %,d beta request(s) failed since the phase started", rate, e.requests());
        if (required == null) {
            return new Criterion(MAX_ERROR_RATE, true, rate, null, NOT_REQUIRED + "; " + seen);
        }
        boolean met = rate != null && rate <= required;
        return new Criterion(MAX_ERROR_RATE, met, rate, required,
                seen + String.format(Locale.ROOT, "; at most %.2f %% allowed", required));
    }

    private static Criterion minSatisfaction(Evidence e, Double required) {
        Double average = e.feedbackCount() == 0 ? null : e.feedbackAverage();
        String seen = average == null ? "no feedback yet"
                : String.format(Locale.ROOT, "average rating %.2f from %,d rating(s) since the phase started", average, e.feedbackCount());
        if (required == null) {
            return new Criterion(MIN_SATISFACTION, true, average, null, NOT_REQUIRED + "; " + seen);
        }
        boolean met = average != null && average >= required;
        return new Criterion(MIN_SATISFACTION, met, average, required,
                seen + String.format(Locale.ROOT, "; at least %.2f required", required));
    }

    private static Criterion noFiringAlerts(Evidence e) {
        List<String> counted = new ArrayList<>();
        List<String> silenced = new ArrayList<>();
        for (Evidence.FiringAlert a : e.alerts()) {
            String text = a.guard() + " (" + a.severity() + (a.kind().equals("breach") ? "" : ", " + a.kind()) + ", alert " + a.id() + ")";
            (a.silenced() ? silenced : counted).add(text);
        }
        String detail = counted.isEmpty() ? "no alert of the rollout is firing" : "firing: " + String.join(", ", counted);
        if (!silenced.isEmpty()) {
            detail += "; silenced, not counted: " + String.join(", ", silenced);
        }
        return new Criterion(NO_FIRING_ALERTS, counted.isEmpty(), counted.size(), 0, detail);
    }

    private static Criterion guardsHaveData(Evidence e) {
        List<String> insufficient = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> unevaluated = new ArrayList<>();
        List<String> otherPhases = new ArrayList<>();
        int applying = 0;
        for (Evidence.GuardData g : e.guards()) {
            if (!g.applies()) {
                otherPhases.add(g.name());
                continue;
            }
            applying++;
            if (g.result() == null) {
                unevaluated.add(g.name());
            } else if (g.result().equals("insufficient-data")) {
                insufficient.add(g.name());
            } else if (g.result().equals("error")) {
                failed.add(g.name());
            }
        }
        int lacking = insufficient.size() + failed.size() + unevaluated.size();
        List<String> parts = new ArrayList<>();
        if (!insufficient.isEmpty()) {
            parts.add("insufficient data: " + String.join(", ", insufficient));
        }
        if (!failed.isEmpty()) {
            parts.add("error: " + String.join(", ", failed));
        }
        if (!unevaluated.isEmpty()) {
            parts.add("not evaluated yet: " + String.join(", ", unevaluated));
        }
        String detail = lacking > 0 ? String.join("; ", parts)
                : applying == 0 ? "no guard applies to this phase" : "all " + applying + " guard(s) have data";
        if (!otherPhases.isEmpty()) {
            detail += "; bound to other phases, not applicable: " + String.join(", ", otherPhases);
        }
        return new Criterion(GUARDS_HAVE_DATA, lacking == 0, lacking, 0, detail);
    }

    private static Criterion enoughSamples(Evidence e) {
        boolean met = e.requests() >= e.requiredSamples();
        String source = e.samplesGuard() == null ? "the default, no telemetry guard applies"
                : "the largest minSamples of the telemetry guards, guard " + e.samplesGuard();
        return new Criterion(ENOUGH_SAMPLES, met, e.requests(), e.requiredSamples(), String.format(Locale.ROOT,
                "%,d beta request(s) since the phase started; %,d needed (%s)", e.requests(), e.requiredSamples(), source));
    }

    /** "2h 5m 3s": durations as people read them, to the second. */
    static String human(Duration d) {
        long s = d.getSeconds();
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        long seconds = s % 60;
        StringBuilder b = new StringBuilder();
        if (days > 0) {
            b.append(days).append("d ");
        }
        if (hours > 0) {
            b.append(hours).append("h ");
        }
        if (minutes > 0) {
            b.append(minutes).append("m ");
        }
        if (seconds > 0 || b.isEmpty()) {
            b.append(seconds).append('s');
        }
        return b.toString().strip();
    }
}
