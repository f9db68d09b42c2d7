package dev.phasegate.server.alert;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checking silence requests and matching silences against alert labels. */
final class Silences {

    /**
     * A silence covers a maintenance window or an incident, not a permanent mute: a guard that should stay
     * quiet for longer should be changed in the plan. Alertmanager has no limit; 30 days is our choice.
     */
    static final Duration MAX_AHEAD = Duration.ofDays(30);
    /** No real silence needs more; the limit keeps read-time matching cheap. */
    static final int MAX_MATCHERS = 32;
    static final int MAX_VALUE = 1024;
    static final int MAX_COMMENT = 1024;
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Compiled expressions by source; bounded by the silences that exist, cleared if it ever grows past this. */
    private static final int MAX_CACHED_PATTERNS = 1000;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private Silences() {
    }

    /** The request with {@code startsAt} filled in (now, if absent or past); 422 naming the field at fault. */
    static SilenceRequest validate(SilenceRequest r, Instant now) {
        List<Problem> problems = new ArrayList<>();
        if (r.matchers() == null || r.matchers().isEmpty()) {
            problems.add(new Problem("matchers", "at least one matcher is required"));
        } else if (r.matchers().size() > MAX_MATCHERS) {
            problems.add(new Problem("matchers", "at most " + MAX_MATCHERS + " matchers are allowed, got " + r.matchers().size()));
        } else {
            boolean selective = false;
            for (int i = 0; i < r.matchers().size(); i++) {
                SilenceMatcher m = r.matchers().get(i);
                String at = "matchers[" + i + "]";
                if (m == null) {
                    problems.add(new Problem(at, "is null"));
                    continue;
                }
                if (m.name() == null || !LABEL_NAME.matcher(m.name()).matches()) {
                    problems.add(new Problem(at + ".name", m.name() == null ? "is required"
                            : "must be a label name: a letter or '_', then up to 63 letters, digits or '_'"));
                }
                if (m.value() == null) {
                    problems.add(new Problem(at + ".value", "is required (\"\" matches alerts without the label)"));
                    continue;
                }
                if (m.value().length() > MAX_VALUE) {
                    problems.add(new Problem(at + ".value", "is longer than " + MAX_VALUE + " characters"));
                    continue;
                }
                if (m.regex()) {
                    try {
                        Pattern.compile(m.value());
                    } catch (PatternSyntaxException e) {
                        problems.add(new Problem(at + ".value", "is not a valid regular expression: " + e.getDescription()
                                + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "")));
                        continue;
                    }
                }
                selective |= !matches(m, "");
            }
            if (problems.isEmpty() && !selective) {
                // Alertmanager's rule too: such a silence would mute every alert, including other rollouts'.
                problems.add(new Problem("matchers", "every matcher matches an empty value, so the silence would mute every alert; "
                        + "add a matcher that names something, e.g. {\"name\": \"rollout\", \"value\": \"checkout-v2\"}"));
            }
        }
        // Truncated to milliseconds: the store keeps microseconds and rounds, so an untruncated "now" could be
        // stored a hair in the future and the silence read back as pending (AlertRoutesTest caught this).
        Instant startsAt = (r.startsAt() == null || r.startsAt().isBefore(now) ? now : r.startsAt()).truncatedTo(ChronoUnit.MILLIS);
        if (r.endsAt() == null) {
            problems.add(new Problem("endsAt", "is required"));
        } else if (!r.endsAt().isAfter(startsAt)) {
            problems.add(new Problem("endsAt", "must be after startsAt (" + startsAt + ")"));
        } else if (r.endsAt().isAfter(now.plus(MAX_AHEAD))) {
            problems.add(new Problem("endsAt", "must be at most " + MAX_AHEAD.toDays() + " days ahead (" + now.plus(MAX_AHEAD) + ")"));
        }
        if (r.comment() == null || r.comment().isBlank()) {
            problems.add(new Problem("comment", "is required: say why alerts are silenced"));
        } else if (r.comment().length() > MAX_COMMENT) {
            problems.add(new Problem("comment", "is longer than " + MAX_COMMENT + " characters"));
        }
        if (!problems.isEmpty()) {
            throw new PhasegateException.Invalid("the silence has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                    + ": " + problems.get(0), problems);
        }
        List<SilenceMatcher> matchers = r.matchers().stream()
                .map(m -> new SilenceMatcher(m.name(), m.value(), m.regex())).toList();
        return new SilenceRequest(matchers, startsAt, r.endsAt(), r.comment().strip());
    }

    static boolean matches(Silence silence, Map<String, String> labels) {
        for (SilenceMatcher m : silence.matchers()) {
            if (!matches(m, labels.getOrDefault(m.name(), ""))) {
                return false;
            }
        }
        return true;
    }

    /** Ids of the silences active at {@code at} that match {@code labels}, ascending. */
    static List<Long> matching(List<Silence> silences, Map<String, String> labels, Instant at) {
        List<Long> ids = new ArrayList<>();
        for (Silence s : silences) {
            if (s.activeAt(at) && matches(s, labels)) {
                ids.add(s.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    private static boolean matches(SilenceMatcher m, String value) {
        if (!m.regex()) {
            return m.value().equals(value);
        }
        if (PATTERNS.size() > MAX_CACHED_PATTERNS) {
            PATTERNS.clear();
        }
        return PATTERNS.computeIfAbsent(m.value(), Pattern::compile).matcher(value).matches();
    }

    static String state(Silence s, Instant now) {
        return now.isBefore(s.startsAt()) ? "pending" : now.isBefore(s.endsAt()) ? "active" : "expired";
    }
}
