package dev.phasegate.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Tells the viewer what the node is doing, by reading its public API once a second as an operator would: phase
 * advances, alerts, the guardian's decisions, the runbook's steps, the incident and the notices. Each new fact
 * is printed once and the moments that make the story go into the {@link Story}. Runs on one thread.
 */
final class Narrator {

    private static final Logger log = LoggerFactory.getLogger(Narrator.class);

    /** A status line this often while nothing else happens: enough to see the traffic, not a scrolling wall. */
    static final Duration STATUS_EVERY = Duration.ofSeconds(15);

    private final DemoApi api;
    private final Story story;
    private final PrintStream console;
    private final Clock clock;
    private final Supplier<TradingApp.Tally> tally;
    private final String rollout = DemoPlan.ROLLOUT;
    private final String path = "/api/v1/rollouts/" + DemoPlan.ROLLOUT;

    private int phase;
    private String state;
    private final Map<Long, String> alerts = new HashMap<>();
    private final Set<Long> decisions = new HashSet<>();
    private final Map<String, String> steps = new HashMap<>();
    private final Set<Long> runs = new HashSet<>();
    private final Set<Long> incidents = new HashSet<>();
    private String notices = "";
    private Instant lastStatus;
    private TradingApp.Tally lastTally = new TradingApp.Tally(0, 0, 0, 0);
    private long failures;

    Narrator(DemoApi api, Story story, PrintStream console, Clock clock, Supplier<TradingApp.Tally> tally) {
        this.api = api;
        this.story = story;
        this.console = console;
        this.clock = clock;
        this.tally = tally;
    }

    /** One look at the node; never throws, so the schedule goes on. */
    void tick() {
        try {
            look();
        } catch (RuntimeException e) {
            failures++;
            log.warn("demo narrator: reading the node failed ({} so far); trying again in a second: {}", failures, e.toString());
        }
    }

    /** The phase the narrator last saw (0 before the first look). */
    synchronized int phase() {
        return phase;
    }

    private void look() {
        JsonNode r = api.get(path);
        rollout(r);
        alerts();
        guardian();
        rollbacks();
        incidents();
        if (story.has(Story.ROLLBACK_STARTED)) {
            notices();
        }
        status(r);
    }

    private void rollout(JsonNode r) {
        int current = r.get("currentPhase").asInt();
        String now = r.get("state").asText();
        int seen;
        synchronized (this) {
            seen = phase;
            phase = current;
        }
        if (current > seen) {
            Instant at = Instant.parse(r.get("phaseStartedAt").asText());
            JsonNode p = r.get("phases").get(current - 1);
            String how = seen == 0 ? "the plan is applied" : "the guardian advanced it: every criterion met";
            String text = "phase %d (%s): %s places, %d enrolled, %d waitlisted; features %s".formatted(current,
                    p.get("name").asText(), p.get("capacity").asText(), r.get("enrolled").asInt(), r.get("waitlisted").asInt(),
                    p.get("featuresCumulative"));
            story.record(Story.phase(current), at, "phase " + current + " (" + p.get("name").asText() + ") started");
            say(at, "==> " + text + " (" + how + ")");
            if (current == r.get("phaseCount").asInt()) {
                story.record(Story.LAST_PHASE, at, "the last phase reached");
            }
        } else if (current < seen) {
            say(clock.instant(), "==> back to phase %d (%s)".formatted(current, r.get("currentPhaseName").asText()));
        }
        if (state != null && !state.equals(now)) {
            say(clock.instant(), "rollout state: " + state + " -> " + now);
        }
        state = now;
    }

    private void alerts() {
        for (JsonNode a : api.get("/api/v1/alerts?limit=50&rollout=" + rollout).get("items")) {
            long id = a.get("id").asLong();
            String st = a.get("state").asText();
            if (st.equals(alerts.put(id, st))) {
                continue;
            }
            String what = "%s alert %d on guard %s".formatted(a.get("severity").asText(), id, a.get("guard").asText());
            String summary = a.path("summary").asText("");
            if ("unavailable".equals(a.path("labels").path("alert").asText())) {
                // A guard without data for a moment (a new phase restarts a comparison's evidence) is routine;
                // it matters once it has lasted the grace and the alert fires: then advancement is held.
                if ("firing".equals(st)) {
                    say(instant(a, "firedAt"), "!!  guard " + a.get("guard").asText() + " has lacked data for a while "
                            + "(automatic advancement is held): " + summary);
                }
                continue;
            }
            Instant faultAt = story.at(Story.FAULT).orElse(null);
            switch (st) {
                case "pending" -> {
                    Instant at = instant(a, "activeSince");
                    say(at, "!!  guard breached: " + what + " pending (fires if it holds): " + summary);
                    if (faultAt != null && !at.isBefore(faultAt)) {
                        story.record(Story.BREACH, at, "first guard breach: " + a.get("guard").asText() + ": " + shorten(summary));
                    }
                }
                case "firing" -> {
                    Instant at = instant(a, "firedAt");
                    say(at, "!!! ALERT FIRING: " + what + ": " + summary);
                    if (faultAt != null && "critical".equals(a.get("severity").asText()) && !at.isBefore(faultAt)) {
                        story.record(Story.ALERT_FIRING, at, "critical alert firing: " + a.get("guard").asText() + ": " + shorten(summary));
                    }
                }
                case "resolved" -> say(instant(a, "resolvedAt"), "alert resolved: " + what);
                default -> say(clock.instant(), what + ": " + st);
            }
        }
    }

    private void guardian() {
        for (JsonNode d : api.get(path + "/guardian").get("items")) {
            if (!decisions.add(d.get("id").asLong())) {
                continue;
            }
            Instant at = Instant.parse(d.get("at").asText());
            say(at, "guardian: %s on %s %s -> %s".formatted(d.get("action").asText(), d.path("severity").asText(),
                    d.path("guard").asText(), d.path("outcome").asText()));
            if (story.has(Story.FAULT) && "rollback".equals(d.get("action").asText())) {
                story.record(Story.GUARDIAN, at, "guardian decided: rollback (" + d.path("outcome").asText() + ")");
            }
        }
    }

    private void rollbacks() {
        for (JsonNode run : api.get(path + "/rollbacks").get("items")) {
            long id = run.get("id").asLong();
            if (runs.add(id)) {
                Instant at = Instant.parse(run.get("startedAt").asText());
                say(at, "runbook: rollback run %d started by %s: %s".formatted(id, run.get("trigger").asText(), run.path("reason").asText()));
                story.record(Story.ROLLBACK_STARTED, at, "rollback run " + id + " started (" + run.get("trigger").asText() + ")");
            }
            int count = run.get("steps").size();
            for (JsonNode step : run.get("steps")) {
                String key = id + "/" + step.get("position").asInt();
                String st = step.get("state").asText();
                if (st.equals(steps.put(key, st)) || "pending".equals(st) || "running".equals(st)) {
                    continue;
                }
                say(clock.instant(), "runbook: step %d/%d %s: %s%s".formatted(step.get("position").asInt() + 1, count,
                        step.get("step").asText(), st, result(step)));
            }
            if (run.hasNonNull("featuresDisabledAt")) {
                Instant at = Instant.parse(run.get("featuresDisabledAt").asText());
                if (story.record(Story.FEATURES_WITHDRAWN, at, "features withdrawn (" + run.path("disableMode").asText()
                        + " from phase " + run.get("fromPhase").asInt() + ")")) {
                    say(at, "==> features withdrawn: the rollout left phase " + run.get("fromPhase").asInt());
                }
            }
            if (!run.get("state").asText().equals("running") && run.hasNonNull("finishedAt")) {
                Instant at = Instant.parse(run.get("finishedAt").asText());
                if (story.record(Story.ROLLBACK_DONE, at, "rollback run " + id + " " + run.get("state").asText() + ": "
                        + run.path("outcome").asText())) {
                    say(at, "runbook: rollback run %d %s: %s".formatted(id, run.get("state").asText(), run.path("outcome").asText()));
                }
            }
        }
    }

    private void incidents() {
        for (JsonNode i : api.get("/api/v1/incidents?rollout=" + rollout).get("items")) {
            long id = i.get("id").asLong();
            if (!incidents.add(id)) {
                continue;
            }
            Instant at = Instant.parse(i.get("openedAt").asText());
            say(at, "incident %d opened (%s, %s): %s".formatted(id, i.get("severity").asText().toUpperCase(java.util.Locale.ROOT),
                    i.get("state").asText(), i.get("title").asText()));
            story.record(Story.INCIDENT_OPENED, at, "incident " + id + " opened (" + i.get("severity").asText() + ")");
        }
    }

    /** The notices of the rollback: features-withdrawn emails to beta users, and what contacts are told. */
    private void notices() {
        Instant since = story.at(Story.ROLLBACK_STARTED).orElseThrow();
        int users = 0;
        int usersDelivered = 0;
        int contacts = 0;
        int contactsDelivered = 0;
        Instant firstUser = null;
        Instant firstContact = null;
        for (JsonNode n : api.get("/api/v1/notifications?limit=1000&rollout=" + rollout).get("items")) {
            Instant created = Instant.parse(n.get("createdAt").asText());
            String kind = n.get("kind").asText();
            boolean delivered = "delivered".equals(n.get("status").asText());
            if (kind.equals("user.features-withdrawn")) {
                users++;
                usersDelivered += delivered ? 1 : 0;
                firstUser = firstUser == null || created.isBefore(firstUser) ? created : firstUser;
            } else if (kind.startsWith("contact.") && !created.isBefore(since.minusSeconds(1))) {
                contacts++;
                contactsDelivered += delivered ? 1 : 0;
                firstContact = firstContact == null || created.isBefore(firstContact) ? created : firstContact;
            }
        }
        String now = "%d features-withdrawn emails to beta users (%d delivered), %d notices to contacts (%d delivered)"
                .formatted(users, usersDelivered, contacts, contactsDelivered);
        if (!now.equals(notices)) {
            notices = now;
            say(clock.instant(), "notices: " + now);
        }
        if (firstUser != null) {
            story.record(Story.USER_NOTICES, firstUser, "beta users' notices queued (" + users + ")");
        }
        if (firstContact != null) {
            story.record(Story.CONTACT_NOTICES, firstContact, "contacts' notices queued");
        }
        if (users > 0 && contacts > 0 && usersDelivered == users && contactsDelivered == contacts) {
            story.record(Story.NOTICES_DELIVERED, clock.instant(), "every notice delivered to the mail catcher ("
                    + (users + contacts) + ")");
        }
    }

    private void status(JsonNode r) {
        Instant now = clock.instant();
        if (lastStatus != null && Duration.between(lastStatus, now).compareTo(STATUS_EVERY) < 0) {
            return;
        }
        TradingApp.Tally t = tally.get();
        double seconds = lastStatus == null ? 0 : Duration.between(lastStatus, now).toMillis() / 1000.0;
        lastStatus = now;
        if (seconds > 0) {
            long beta = t.betaRequests() - lastTally.betaRequests();
            long control = t.controlRequests() - lastTally.controlRequests();
            String ready = r.get("state").asText().equals("active") ? "; readiness: " + readiness() : "";
            say(now, "phase %d, %d enrolled, %d waitlisted | beta %.0f req/s, %s errors | control %.0f req/s, %s errors%s".formatted(
                    r.get("currentPhase").asInt(), r.get("enrolled").asInt(), r.get("waitlisted").asInt(), beta / seconds,
                    percent(t.betaErrors() - lastTally.betaErrors(), beta), control / seconds,
                    percent(t.controlErrors() - lastTally.controlErrors(), control), ready));
        }
        lastTally = t;
    }

    private String readiness() {
        JsonNode r = api.get(path + "/readiness");
        if (r.get("ready").asBoolean()) {
            return "ready";
        }
        StringBuilder s = new StringBuilder(r.path("reason").asText());
        for (JsonNode c : r.path("criteria")) {
            if (!c.get("met").asBoolean() && c.get("name").asText().equals("min-duration")) {
                s.append(" (").append(c.path("value").asText()).append(" of ").append(c.path("required").asText()).append(')');
            }
        }
        return s.toString();
    }

    private static String percent(long errors, long requests) {
        return requests == 0 ? "-" : "%.1f %%".formatted(100.0 * errors / requests);
    }

    private static String result(JsonNode step) {
        JsonNode result = step.get("result");
        if (result == null || result.isNull() || result.isEmpty()) {
            return step.hasNonNull("lastError") ? " (" + step.get("lastError").asText() + ")" : "";
        }
        StringBuilder s = new StringBuilder(" (");
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            s.append(e.getKey()).append(' ').append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            if (it.hasNext()) {
                s.append(", ");
            }
        }
        String text = s.append(')').toString();
        return text.length() > 160 ? text.substring(0, 157) + "...)" : text;
    }

    /** The start of an alert's summary: the timeline keeps one line per moment. */
    static String shorten(String text) {
        return text.length() <= 90 ? text : text.substring(0, 87) + "...";
    }

    private static Instant instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : Instant.EPOCH;
    }

    private void say(Instant at, String text) {
        console.println("[" + story.clock(at) + " " + story.offset(at) + "] " + text);
    }
}
