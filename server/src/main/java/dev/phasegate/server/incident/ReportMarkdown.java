package dev.phasegate.server.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.phasegate.server.http.Json;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An {@link IncidentReport} as Markdown a person reads: headings, a table of durations, a bulleted timeline
 * with UTC ISO-8601 times. Text from people and guards is escaped so it cannot break the layout or inject HTML.
 */
final class ReportMarkdown {

    private ReportMarkdown() {
    }

    static String render(IncidentReport r) {
        IncidentReport.Summary s = r.summary();
        StringBuilder md = new StringBuilder();
        md.append("# Incident ").append(s.id()).append(": ").append(inline(s.title())).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Rollout", s.rollout() == null ? "system-wide" : code(s.rollout()));
        row(md, "Severity", s.severity().name());
        row(md, "State", s.state().wire());
        row(md, "Assignee", s.assignee() == null ? "—" : inline(s.assignee()));
        if (s.firstSignalAt() != null) {
            row(md, "First signal", time(s.firstSignalAt()));
        }
        row(md, "Opened", time(s.openedAt()) + " by " + inline(s.openedBy()));
        row(md, "Acknowledged", s.acknowledgedAt() == null ? "—" : time(s.acknowledgedAt()) + " by " + inline(s.acknowledgedBy()));
        row(md, "Mitigated", s.mitigatedAt() == null ? "—" : time(s.mitigatedAt()));
        row(md, "Resolved", s.resolvedAt() == null ? "—" : time(s.resolvedAt()) + " by " + inline(s.resolvedBy()));
        md.append('\n');

        md.append("## Summary\n\n");
        md.append(s.description() == null ? "No summary was given." : block(s.description())).append("\n\n");
        if (s.resolution() != null) {
            md.append("**Resolution:** ").append(block(s.resolution())).append("\n\n");
        }

        md.append("## Impact\n\n");
        IncidentReport.Impact impact = r.impact();
        if (impact.phases().isEmpty()) {
            md.append("- Phases affected: none recorded\n");
        } else {
            md.append("- Phases affected: ");
            List<IncidentReport.PhaseAffected> phases = impact.phases();
            for (int i = 0; i < phases.size(); i++) {
                IncidentReport.PhaseAffected p = phases.get(i);
                md.append(i == 0 ? "" : ", ").append(p.phase()).append(p.name() == null ? "" : " (" + inline(p.name()) + ")")
                        .append(" — ").append(p.role());
            }
            md.append('\n');
        }
        md.append("- Beta users affected: ").append(impact.usersAffected() == null ? "not counted" : impact.usersAffected()).append('\n');
        md.append("- Counted as: ").append(inline(impact.basis())).append('\n');
        md.append("- Beta users active in that time (telemetry): ").append(impact.activeUsers() == null ? "not counted"
                : impact.activeUsers()).append("\n\n");
        if (!impact.usersByPhase().isEmpty()) {
            md.append("| Joined in phase | Users |\n|---|---:|\n");
            for (IncidentReport.PhaseUsers p : impact.usersByPhase()) {
                md.append("| ").append(p.phase()).append(p.name() == null ? "" : " (" + inline(p.name()) + ")").append(" | ")
                        .append(p.users()).append(" |\n");
            }
            md.append('\n');
        }

        md.append("## Durations\n\n");
        md.append("| Measure | From | To | Duration |\n|---|---|---|---|\n");
        duration(md, "Detection", "first signal", "opened", r.durations().detection());
        duration(md, "Mitigation", "opened", "mitigated", r.durations().mitigation());
        duration(md, "Resolution", "opened", "resolved", r.durations().resolution());
        md.append('\n');

        md.append("## Timeline\n\n");
        if (r.timeline().isEmpty()) {
            md.append("No entries.\n");
        }
        for (TimelineEntry e : r.timeline()) {
            md.append("- ").append(time(e.at())).append(" — **").append(e.kind()).append("** (").append(inline(e.actor())).append("): ")
                    .append(inline(e.text())).append('\n');
        }
        md.append('\n');

        md.append("## Decision records\n\n");
        if (r.decisions().isEmpty()) {
            md.append("None referenced.\n\n");
        }
        for (IncidentReport.DecisionRecord d : r.decisions()) {
            Map<String, Object> record = d.record();
            md.append("### Decision ").append(d.id() == null ? "(embedded)" : d.id());
            if (record.get("guard") != null) {
                md.append(" — ").append(inline(String.valueOf(record.get("guard"))));
            }
            if (record.get("result") != null) {
                md.append(", ").append(inline(String.valueOf(record.get("result"))));
            }
            if (record.get("at") != null) {
                md.append(", ").append(inline(String.valueOf(record.get("at"))));
            }
            md.append("\n\n");
            if (record.get("explanation") != null) {
                md.append(inline(String.valueOf(record.get("explanation")))).append("\n\n");
            }
            md.append("Referenced by timeline entries ").append(d.entries()).append(d.stored() ? "" : " (not in the decision store)")
                    .append(".\n\n");
            fenced(md, record);
        }

        md.append("## Diagnostics\n\n");
        if (r.diagnostics() == null || r.diagnostics().isEmpty()) {
            md.append("None captured.\n\n");
        } else {
            fenced(md, r.diagnostics());
        }
        md.append("_Generated ").append(time(r.generatedAt())).append(" by Phasegate._\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static void duration(StringBuilder md, String name, String fromWhat, String toWhat, IncidentReport.Span span) {
        if (span == null) {
            md.append("| ").append(name).append(" | ").append(fromWhat).append(" | ").append(toWhat).append(" | not yet |\n");
        } else {
            md.append("| ").append(name).append(" | ").append(fromWhat).append(' ').append(time(span.from())).append(" | ")
                    .append(toWhat).append(' ').append(time(span.to())).append(" | ").append(span.text()).append(" |\n");
        }
    }

    /** A JSON block, fenced with more backticks than any run inside it. */
    private static void fenced(StringBuilder md, Object value) {
        String json;
        try {
            json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            json = "\"(cannot be shown)\"";
        }
        int longest = 0;
        int run = 0;
        for (int i = 0; i < json.length(); i++) {
            run = json.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        md.append(fence).append("json\n").append(json).append('\n').append(fence).append("\n\n");
    }

    private static String time(Instant at) {
        return at == null ? "—" : at.toString();
    }

    private static String code(String text) {
        return "`" + text.replace("`", "'") + "`";
    }

    /** One line: line breaks become spaces, HTML and layout-breaking Markdown are escaped. */
    static String inline(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r', '\n', '\t' -> sb.append(' ');
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                // Tables (|), code spans and links ([...](...)) could break the layout or smuggle a link in;
                // emphasis markers are left alone: they cannot, and escaping them makes ids like tok_1a2b noisy.
                case '\\', '`', '[', ']', '|' -> sb.append('\\').append(c);
                default -> sb.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return sb.toString();
    }

    /** A paragraph: line breaks kept as Markdown hard breaks, the rest escaped as {@link #inline}. */
    private static String block(String text) {
        String[] lines = text.split("\\r?\\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append("  \n");
            }
            sb.append(inline(lines[i]));
        }
        return sb.toString();
    }
}
