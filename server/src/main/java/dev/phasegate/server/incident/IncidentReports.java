package dev.phasegate.server.incident;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.guard.GuardDecision;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.StoredRollout;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds {@link IncidentReport}s: impact from the enrollment table, durations, and the decision records. */
final class IncidentReports {

    /** A report is read by people: a long incident's hundreds of alert evaluations are cut to the first ones. */
    static final int MAX_DECISIONS = 200;

    private IncidentReports() {
    }

    /** What the store gives, read with one handle; the decision records are fetched after it is released. */
    record Gathered(Incident incident, List<TimelineEntry> timeline, IncidentReport.Impact impact) {
    }

    static Gathered gather(Handle h, IncidentStore store, RolloutRepository rollouts, Incident incident, List<TimelineEntry> timeline,
                           Instant now) {
        return new Gathered(incident, timeline, impact(h, store, rollouts, incident, timeline, now));
    }

    static IncidentReport build(Gathered g, DecisionLog decisions, ActiveUsers activeUsers, Instant now) {
        Incident i = g.incident();
        IncidentReport.Impact impact = g.impact();
        if (i.rollout() != null) {
            Instant since = i.firstSignalAt() != null && i.firstSignalAt().isBefore(i.openedAt()) ? i.firstSignalAt() : i.openedAt();
            impact = impact.withActiveUsers(activeUsers.between(i.rollout(), since, i.resolvedAt() != null ? i.resolvedAt() : now));
        }
        IncidentReport.Summary summary = new IncidentReport.Summary(i.id(), i.title(), i.rollout(), i.severity(), i.state(), i.summary(),
                i.assignee(), i.firstSignalAt(), i.openedAt(), i.openedBy(), i.acknowledgedAt(), i.acknowledgedBy(), i.mitigatedAt(),
                i.resolvedAt(), i.resolvedBy(), i.resolution());
        IncidentReport.Durations durations = new IncidentReport.Durations(span(i.firstSignalAt(), i.openedAt()),
                span(i.openedAt(), i.mitigatedAt()), span(i.openedAt(), i.resolvedAt()));
        return new IncidentReport(now, summary, impact, durations, g.timeline(), decisions(g.timeline(), decisions), i.diagnostics());
    }

    private static IncidentReport.Impact impact(Handle h, IncidentStore store, RolloutRepository rollouts, Incident i,
                                                List<TimelineEntry> timeline, Instant now) {
        if (i.rollout() == null) {
            return new IncidentReport.Impact(List.of(), null, List.of(), "a system-wide incident: no rollout's users are counted", null);
        }
        Optional<Plan> plan = rollouts.find(h, i.rollout()).map(StoredRollout::rollout).map(r -> r.plan());
        List<IncidentReport.PhaseAffected> phases = new ArrayList<>();
        int maxPhase = 0;
        if (i.phaseAtOpen() != null) {
            phases.add(new IncidentReport.PhaseAffected(i.phaseAtOpen(), phaseName(plan, i.phaseAtOpen()), "current at opening"));
            maxPhase = i.phaseAtOpen();
        }
        Integer revertedTo = null;
        for (TimelineEntry e : timeline) {
            if (e.kind().equals(TimelineEntry.RUNBOOK) && e.data().get(IncidentBook.REVERTED_TO_PHASE) instanceof Number n) {
                revertedTo = n.intValue();
            }
        }
        if (revertedTo != null) {
            phases.add(new IncidentReport.PhaseAffected(revertedTo, phaseName(plan, revertedTo), "reverted to"));
            maxPhase = Math.max(maxPhase, revertedTo);
        }
        if (maxPhase == 0) {
            return new IncidentReport.Impact(phases, null, List.of(), "the rollout's phase at opening is unknown: no users are counted", null);
        }
        Instant since = i.firstSignalAt() != null && i.firstSignalAt().isBefore(i.openedAt()) ? i.firstSignalAt() : i.openedAt();
        Instant until = i.resolvedAt() != null ? i.resolvedAt() : now;
        long total = 0;
        List<IncidentReport.PhaseUsers> byPhase = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : store.exposedByPhase(h, i.rollout(), maxPhase, since, until).entrySet()) {
            byPhase.add(new IncidentReport.PhaseUsers(e.getKey(), phaseName(plan, e.getKey()), e.getValue()));
            total += e.getValue();
        }
        String basis = "beta users of " + i.rollout() + " who joined in phases 1–" + maxPhase + ", enrolled before "
                + until + " and still enrolled at " + since + " or later";
        return new IncidentReport.Impact(phases, total, byPhase, basis, null);
    }

    private static String phaseName(Optional<Plan> plan, int number) {
        return plan.filter(p -> number >= 1 && number <= p.phaseCount()).map(p -> p.phase(number).name()).orElse(null);
    }

    static IncidentReport.Span span(Instant from, Instant to) {
        if (from == null || to == null) {
            return null;
        }
        long seconds = Math.max(0, Duration.between(from, to).toSeconds());
        return new IncidentReport.Span(from, to, seconds, human(seconds));
    }

    /** "1 h 2 min 5 s", "45 s", "0 s". */
    static String human(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder sb = new StringBuilder();
        if (h > 0) {
            sb.append(h).append(" h ");
        }
        if (m > 0) {
            sb.append(m).append(" min ");
        }
        if (s > 0 || sb.isEmpty()) {
            sb.append(s).append(" s");
        }
        return sb.toString().strip();
    }

    private static final class Mention {
        final Long id;
        final List<Long> entries = new ArrayList<>();
        Map<String, Object> embedded;

        Mention(Long id) {
            this.id = id;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<IncidentReport.DecisionRecord> decisions(List<TimelineEntry> timeline, DecisionLog decisions) {
        // Keyed by stored id, or by the embedded decision itself when it has none (equal maps are one decision).
        Map<Object, Mention> mentions = new LinkedHashMap<>();
        for (TimelineEntry e : timeline) {
            Map<String, Object> embedded = e.data().get(IncidentBook.DECISION) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            Long id = null;
            if (e.data().get(IncidentBook.DECISION_ID) instanceof Number n) {
                id = n.longValue();
            } else if (embedded != null && embedded.get("id") instanceof Number n) {
                id = n.longValue();
            }
            if (id == null && embedded == null) {
                continue;
            }
            Object key = id != null ? (Object) id : embedded;
            if (!mentions.containsKey(key) && mentions.size() >= MAX_DECISIONS) {
                continue;
            }
            Mention mention = mentions.computeIfAbsent(key, k -> new Mention(k instanceof Long l ? l : null));
            mention.entries.add(e.id());
            if (mention.embedded == null) {
                mention.embedded = embedded;
            }
        }
        List<IncidentReport.DecisionRecord> out = new ArrayList<>();
        for (Mention m : mentions.values()) {
            Optional<GuardDecision> stored = m.id == null ? Optional.empty() : decisions.find(m.id);
            Map<String, Object> record;
            if (stored.isPresent()) {
                record = Json.MAPPER.convertValue(stored.get(), Map.class);
            } else if (m.embedded != null) {
                record = m.embedded;
            } else {
                record = Map.of("note", "decision " + m.id + " is no longer stored (purged after the retention period)");
            }
            out.add(new IncidentReport.DecisionRecord(m.id, stored.isPresent(), List.copyOf(m.entries), record));
        }
        return out;
    }
}
