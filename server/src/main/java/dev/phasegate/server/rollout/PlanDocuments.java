package dev.phasegate.server.rollout;

import dev.phasegate.core.plan.AdvanceCriteria;
import dev.phasegate.core.plan.Contact;
import dev.phasegate.core.plan.Durations;
import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.NoticeTemplates;
import dev.phasegate.core.plan.GuardAction;
import dev.phasegate.core.plan.GuardKind;
import dev.phasegate.core.plan.GuardMetric;
import dev.phasegate.core.plan.GuardScope;
import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.PlanValidator;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.plan.StartMode;
import dev.phasegate.core.plan.WarningHook;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Converts between {@link PlanDocument} (the written format) and the core {@link Plan}. */
public final class PlanDocuments {

    private PlanDocuments() {
    }

    /** Reads and validates a plan body; {@code pathKey} is the rollout key from the URL, if any. */
    public static Plan read(byte[] body, boolean yaml, String pathKey) {
        PlanDocument doc = Json.read(body, PlanDocument.class, yaml);
        return toPlan(doc, pathKey);
    }

    public static Plan toPlan(PlanDocument doc, String pathKey) {
        List<Problem> problems = new ArrayList<>();
        String key = doc.rollout() == null ? pathKey : doc.rollout();
        if (pathKey != null && doc.rollout() != null && !pathKey.equals(doc.rollout())) {
            problems.add(new Problem("rollout", "is '" + doc.rollout() + "' but the URL names rollout '" + pathKey + "'"));
        }
        StartMode start = doc.start() == null ? StartMode.ACTIVE
                : parse(doc.start(), "start", problems, s -> switch (s) {
                    case "active" -> Optional.of(StartMode.ACTIVE);
                    case "draft" -> Optional.of(StartMode.DRAFT);
                    default -> Optional.empty();
                }, "active, draft").orElse(StartMode.ACTIVE);

        List<Phase> phases = new ArrayList<>();
        List<PlanDocument.PhaseDoc> phaseDocs = doc.phases() == null ? List.of() : doc.phases();
        for (int i = 0; i < phaseDocs.size(); i++) {
            PlanDocument.PhaseDoc p = phaseDocs.get(i);
            String at = "phases[" + i + "]";
            if (p == null) {
                problems.add(new Problem(at, "is empty; a phase needs at least a name and a capacity"));
                continue;
            }
            if (p.capacity() == null) {
                problems.add(new Problem(at + ".capacity", "is required"));
            }
            if (p.features() != null && p.features().stream().anyMatch(f -> f == null)) {
                problems.add(new Problem(at + ".features", "contains an empty entry"));
            }
            AdvanceCriteria advance = AdvanceCriteria.NONE;
            if (p.advance() != null) {
                PlanDocument.AdvanceDoc a = p.advance();
                Duration minDuration = a.minDuration() == null ? null
                        : duration(a.minDuration(), at + ".advance.minDuration", problems);
                advance = new AdvanceCriteria(minDuration, a.minActiveUsers(), a.maxErrorRate(), a.minSatisfaction(),
                        Boolean.TRUE.equals(a.auto()));
            }
            List<String> features = p.features() == null ? List.of()
                    : p.features().stream().filter(f -> f != null).toList();
            phases.add(new Phase(p.name(), p.capacity() == null ? 0 : p.capacity(), features,
                    p.percentage() == null ? 0 : p.percentage(), advance));
        }

        List<Guard> guards;
        if (doc.guards() == null) {
            guards = Guard.referenceDefaults();
        } else {
            guards = new ArrayList<>();
            for (int i = 0; i < doc.guards().size(); i++) {
                PlanDocument.GuardDoc g = doc.guards().get(i);
                String at = "guards[" + i + "]";
                if (g == null) {
                    problems.add(new Problem(at, "is empty"));
                    continue;
                }
                GuardKind kind = g.kind() == null ? GuardKind.THRESHOLD : parse(g.kind(), at + ".kind", problems,
                        GuardKind::byPlanName, names(GuardKind.values(), k -> k.planName())).orElse(GuardKind.THRESHOLD);
                GuardMetric metric = g.metric() == null ? null : parse(g.metric(), at + ".metric", problems,
                        GuardMetric::byPlanName, names(GuardMetric.values(), m -> m.planName())).orElse(null);
                if (g.metric() == null) {
                    problems.add(new Problem(at + ".metric", "is required; one of " + names(GuardMetric.values(), m -> m.planName())));
                }
                GuardScope scope = g.scope() == null ? defaultScope(metric) : parse(g.scope(), at + ".scope", problems,
                        GuardScope::byPlanName, names(GuardScope.values(), s -> s.planName())).orElse(GuardScope.SYSTEM);
                GuardAction action = g.onCritical() == null ? defaultAction(kind, metric) : parse(g.onCritical(), at + ".onCritical",
                        problems, GuardAction::byPlanName, names(GuardAction.values(), a -> a.planName())).orElse(GuardAction.ALERT);
                Double warning = g.warning();
                Double critical = g.critical();
                switch (kind) {
                    case THRESHOLD -> {
                        if (warning == null) {
                            problems.add(new Problem(at + ".warning", "is required"));
                        }
                        if (critical == null) {
                            problems.add(new Problem(at + ".critical", "is required"));
                        }
                    }
                    case COMPARISON -> {
                        warning = warning == null ? Guard.DEFAULT_COMPARISON_WARNING : warning;
                        critical = critical == null ? Guard.DEFAULT_COMPARISON_CRITICAL : critical;
                    }
                    case TREND -> {
                        warning = warning == null ? Double.NaN : warning;
                        if (critical == null) {
                            problems.add(new Problem(at + ".critical", "is required: the level whose crossing is forecast"));
                        }
                    }
                }
                Duration forDuration = g.forDuration() == null ? Guard.DEFAULT_FOR : duration(g.forDuration(), at + ".for", problems);
                Duration keep = g.keepFiringFor() == null ? Guard.DEFAULT_KEEP_FIRING_FOR
                        : duration(g.keepFiringFor(), at + ".keepFiringFor", problems);
                Duration window = g.window() == null ? defaultWindow(kind) : duration(g.window(), at + ".window", problems);
                Duration horizon = null;
                if (kind == GuardKind.TREND) {
                    horizon = g.horizon() == null ? Guard.DEFAULT_HORIZON : duration(g.horizon(), at + ".horizon", problems);
                } else if (g.horizon() != null) {
                    problems.add(new Problem(at + ".horizon", "applies to trend guards only"));
                }
                int minSamples = g.minSamples() == null ? defaultMinSamples(kind, metric) : g.minSamples();
                WarningHook onWarning = g.onWarning() == null ? null : new WarningHook(g.onWarning().webhook(),
                        g.onWarning().cooldown() == null ? null : duration(g.onWarning().cooldown(), at + ".onWarning.cooldown", problems));
                if (metric != null && warning != null && critical != null && window != null) {
                    guards.add(new Guard(g.name(), kind, metric, scope, g.phase(), warning, critical, forDuration, keep,
                            minSamples, action, window, horizon, g.metricName(), g.query(), onWarning));
                }
            }
        }

        Runbook runbook = Runbook.REFERENCE;
        if (doc.runbook() != null) {
            List<Runbook.Step> steps = new ArrayList<>();
            List<String> stepNames = doc.runbook().steps() == null
                    ? Runbook.REFERENCE.steps().stream().map(Runbook.Step::planName).toList() : doc.runbook().steps();
            for (int i = 0; i < stepNames.size(); i++) {
                parse(stepNames.get(i), "runbook.steps[" + i + "]", problems, Runbook.Step::byPlanName,
                        names(Runbook.Step.values(), Runbook.Step::planName)).ifPresent(steps::add);
            }
            Runbook.DisableMode mode = doc.runbook().disable() == null ? Runbook.DisableMode.REVERT_PHASE
                    : parse(doc.runbook().disable(), "runbook.disable", problems, Runbook.DisableMode::byPlanName,
                    names(Runbook.DisableMode.values(), Runbook.DisableMode::planName)).orElse(Runbook.DisableMode.REVERT_PHASE);
            Duration verifyFor = doc.runbook().verifyFor() == null ? Runbook.DEFAULT_VERIFY_FOR
                    : duration(doc.runbook().verifyFor(), "runbook.verifyFor", problems);
            Duration verifyTimeout = doc.runbook().verifyTimeout() == null ? Runbook.DEFAULT_VERIFY_TIMEOUT
                    : duration(doc.runbook().verifyTimeout(), "runbook.verifyTimeout", problems);
            runbook = new Runbook(steps, mode, verifyFor, verifyTimeout);
        }

        List<Contact> contacts = new ArrayList<>();
        if (doc.contacts() != null) {
            for (int i = 0; i < doc.contacts().size(); i++) {
                PlanDocument.ContactDoc c = doc.contacts().get(i);
                if (c == null) {
                    problems.add(new Problem("contacts[" + i + "]", "is empty"));
                    continue;
                }
                Contact.WebhookFormat format = c.webhookFormat() == null ? Contact.WebhookFormat.JSON
                        : parse(c.webhookFormat(), "contacts[" + i + "].webhookFormat", problems, Contact.WebhookFormat::byPlanName,
                        names(Contact.WebhookFormat.values(), Contact.WebhookFormat::planName)).orElse(Contact.WebhookFormat.JSON);
                contacts.add(new Contact(c.name(), c.email(), c.webhook(), c.role(), format));
            }
        }

        NoticeTemplates notices = NoticeTemplates.NONE;
        if (doc.notifications() != null && doc.notifications().templates() != null) {
            java.util.Map<String, NoticeTemplates.Template> templates = new java.util.LinkedHashMap<>();
            doc.notifications().templates().forEach((name, t) ->
                    templates.put(name, t == null ? null : new NoticeTemplates.Template(t.subject(), t.body())));
            notices = new NoticeTemplates(templates);
        }

        Plan plan = new Plan(key, doc.name(), doc.description(), start, phases, guards, runbook, contacts, notices);
        problems.addAll(PlanValidator.validate(plan));
        if (!problems.isEmpty()) {
            throw new PhasegateException.Invalid("the plan has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                    + ": " + problems.get(0) + (problems.size() > 1 ? " (and more, see problems)" : ""), problems);
        }
        return plan;
    }

    /** The written form of a plan, as stored and as returned by the API. */
    public static PlanDocument toDocument(Plan plan) {
        List<PlanDocument.PhaseDoc> phases = plan.phases().stream().map(p -> new PlanDocument.PhaseDoc(p.name(), p.capacity(),
                p.features(), p.percentage(), p.advance().equals(AdvanceCriteria.NONE) ? null : new PlanDocument.AdvanceDoc(
                p.advance().minDuration() == null ? null : Durations.format(p.advance().minDuration()),
                p.advance().minActiveUsers(), p.advance().maxErrorRate(), p.advance().minSatisfaction(), p.advance().auto()))).toList();
        List<PlanDocument.GuardDoc> guards = plan.guards().stream().map(g -> new PlanDocument.GuardDoc(g.name(),
                g.kind().planName(), g.metric().planName(), g.scope().planName(), g.phase(),
                Double.isNaN(g.warning()) ? null : g.warning(), g.critical(), Durations.format(g.forDuration()),
                Durations.format(g.keepFiringFor()), g.minSamples(), g.onCritical().planName(), Durations.format(g.window()),
                g.horizon() == null ? null : Durations.format(g.horizon()), g.metricName(), g.query(),
                g.onWarning() == null ? null : new PlanDocument.WarningHookDoc(g.onWarning().webhook(),
                        Durations.format(g.onWarning().cooldown())))).toList();
        PlanDocument.RunbookDoc runbook = new PlanDocument.RunbookDoc(
                plan.runbook().steps().stream().map(Runbook.Step::planName).toList(), plan.runbook().disableMode().planName(),
                Durations.format(plan.runbook().verifyFor()), Durations.format(plan.runbook().verifyTimeout()));
        List<PlanDocument.ContactDoc> contacts = plan.contacts().stream()
                .map(c -> new PlanDocument.ContactDoc(c.name(), c.email(), c.webhook(), c.role(),
                        c.webhookFormat() == Contact.WebhookFormat.JSON ? null : c.webhookFormat().planName())).toList();
        PlanDocument.NotificationsDoc notifications = null;
        if (!plan.notifications().custom().isEmpty()) {
            java.util.Map<String, PlanDocument.TemplateDoc> templates = new java.util.LinkedHashMap<>();
            plan.notifications().custom().forEach((name, t) -> templates.put(name, new PlanDocument.TemplateDoc(t.subject(), t.body())));
            notifications = new PlanDocument.NotificationsDoc(templates);
        }
        return new PlanDocument(plan.key(), plan.name(), plan.description(), plan.start().name().toLowerCase(Locale.ROOT),
                phases, guards, runbook, contacts, notifications);
    }

    private static GuardScope defaultScope(GuardMetric metric) {
        return metric != null && (metric.host() || metric == GuardMetric.PROMQL || metric == GuardMetric.CUSTOM)
                ? GuardScope.SYSTEM : GuardScope.BETA;
    }

    /** The reference policy: a hurting host pauses, hurting users roll back; what Phasegate cannot judge only alerts. */
    private static GuardAction defaultAction(GuardKind kind, GuardMetric metric) {
        if (kind == GuardKind.TREND || metric == null || metric == GuardMetric.CUSTOM || metric == GuardMetric.PROMQL) {
            return GuardAction.ALERT;
        }
        return metric.host() ? GuardAction.PAUSE : GuardAction.ROLLBACK;
    }

    private static Duration defaultWindow(GuardKind kind) {
        return switch (kind) {
            case THRESHOLD -> Guard.DEFAULT_THRESHOLD_WINDOW;
            case COMPARISON -> Guard.DEFAULT_COMPARISON_WINDOW;
            case TREND -> Guard.DEFAULT_TREND_WINDOW;
        };
    }

    /** Requests are judged by the hundred; a host sample, a metric event or a PromQL value is one reading. */
    private static int defaultMinSamples(GuardKind kind, GuardMetric metric) {
        if (kind == GuardKind.TREND) {
            return Guard.DEFAULT_TREND_MIN_SAMPLES;
        }
        if (metric != null && (metric.host() || metric == GuardMetric.PROMQL || metric == GuardMetric.CUSTOM)) {
            return 1;
        }
        return Guard.DEFAULT_MIN_SAMPLES;
    }

    private static Duration duration(String text, String field, List<Problem> problems) {
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            problems.add(new Problem(field, "'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 24h or 7d"));
            return Duration.ZERO;
        }
        return d.get();
    }

    private static <T> Optional<T> parse(String text, String field, List<Problem> problems,
                                         Function<String, Optional<T>> lookup, String allowed) {
        Optional<T> value = text == null ? Optional.empty() : lookup.apply(text);
        if (value.isEmpty()) {
            problems.add(new Problem(field, "'" + text + "' is not one of: " + allowed));
        }
        return value;
    }

    private static <T> String names(T[] values, Function<T, String> name) {
        return String.join(", ", Arrays.stream(values).map(name).toList());
    }
}
