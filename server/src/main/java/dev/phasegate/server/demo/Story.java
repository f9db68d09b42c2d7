package dev.phasegate.server.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened in the demo, each moment once, stamped with when the node says it happened: the timeline the
 * summary prints and tests read. Written by the demo's threads, read by anyone: every method is synchronized.
 */
final class Story {

    /** The moments the summary lists, by key. */
    static final String FAULT = "fault";
    static final String BREACH = "breach";
    static final String ALERT_FIRING = "alert-firing";
    static final String GUARDIAN = "guardian";
    static final String ROLLBACK_STARTED = "rollback-started";
    static final String FEATURES_WITHDRAWN = "features-withdrawn";
    static final String INCIDENT_OPENED = "incident-opened";
    static final String USER_NOTICES = "user-notices";
    static final String CONTACT_NOTICES = "contact-notices";
    static final String NOTICES_DELIVERED = "notices-delivered";
    static final String ROLLBACK_DONE = "rollback-done";
    static final String LAST_PHASE = "last-phase";

    static String phase(int number) {
        return "phase-" + number;
    }

    /** One moment of the timeline. */
    record Moment(String key, Instant at, String text) {
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Instant start;
    private final ZoneId zone;
    private final Map<String, Moment> moments = new LinkedHashMap<>();

    Story(Instant start, ZoneId zone) {
        this.start = start;
        this.zone = zone;
    }

    /** Records {@code key} unless it already happened; true when it is new. */
    synchronized boolean record(String key, Instant at, String text) {
        if (moments.containsKey(key)) {
            return false;
        }
        moments.put(key, new Moment(key, at, text));
        return true;
    }

    synchronized boolean has(String key) {
        return moments.containsKey(key);
    }

    synchronized Optional<Instant> at(String key) {
        return Optional.ofNullable(moments.get(key)).map(Moment::at);
    }

    /** Every moment in the order it happened (recording order among equal times). */
    synchronized List<Moment> timeline() {
        List<Moment> list = new ArrayList<>(moments.values());
        list.sort(Comparator.comparing(Moment::at));
        return list;
    }

    /** {@code t+1m05s}: the time since the demo started. */
    String offset(Instant at) {
        Duration d = Duration.between(start, at);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long s = d.toSeconds();
        return s >= 60 ? "t+%dm%02ds".formatted(s / 60, s % 60) : "t+%ds".formatted(s);
    }

    String clock(Instant at) {
        return CLOCK.format(at.atZone(zone));
    }

    /** The summary printed at the end: every moment with its wall-clock time and its offset from the start. */
    String summary() {
        StringBuilder s = new StringBuilder();
        s.append("Timeline\n");
        for (Moment m : timeline()) {
            s.append("  ").append(clock(m.at())).append("  ").append("%-9s".formatted(offset(m.at()))).append(' ')
                    .append(m.text()).append('\n');
        }
        Optional<Instant> fault = at(FAULT);
        Optional<Instant> firing = at(ALERT_FIRING);
        Optional<Instant> withdrawn = at(FEATURES_WITHDRAWN);
        if (fault.isPresent() && firing.isPresent()) {
            s.append("  fault to alert firing: ").append(seconds(fault.get(), firing.get()));
            withdrawn.ifPresent(w -> s.append("; fault to features withdrawn: ").append(seconds(fault.get(), w)));
            s.append('\n');
        }
        return s.toString();
    }

    private static String seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis()) / 100 / 10.0 + " s";
    }
}
