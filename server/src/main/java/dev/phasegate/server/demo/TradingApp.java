package dev.phasegate.server.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The simulated trading application: traders who come and go in sessions, place orders, view portfolios, use AI
 * analysis and advanced strategies when the rollout gives them those features, and now and then rate the
 * beta. {@link #second} plays one simulated second and returns the telemetry it produced, as the events
 * {@code POST /api/v1/events} takes. Pure: time and randomness come from the caller, so a seed replays a run.
 *
 * <pre>{@code
 * TradingApp app = new TradingApp("trading-engine-v2", 300, new SplittableRandom(42));
 * List<TradingApp.Enrollment> join = app.enrollmentsDue(0);       // POST them to .../enrollments
 * List<Map<String, Object>> events = app.second(now, features);  // POST them to /api/v1/events
 * }</pre>
 */
final class TradingApp {

    /** What the published rules say about a user. */
    interface Features {
        boolean enabled(String feature, String userId);

        /** Whether the rules know the user as an enrolled beta user. */
        boolean beta(String userId);
    }

    /** A beta user asking to join. */
    record Enrollment(String userId, String email) {
    }

    /** Requests and errors sent so far, by whether the user was a beta user. */
    record Tally(long betaRequests, long betaErrors, long controlRequests, long controlErrors) {
    }

    /**
     * Share of traders who ask to join the beta: 40 % of 300 is 120, more than the last phase's 100 places,
     * so the waitlist is visible all along.
     */
    static final double BETA_SHARE = 0.4;
    /** Beta users who ask at once: phase 1 (5 places) fills and a short waitlist forms in the first second. */
    static final int FIRST_WAVE = 8;
    /** The others ask over the first 20 simulated minutes: two demo phases of 10 minutes each. */
    static final long ENROLL_SPAN_SECONDS = 20 * 60;
    /** Sessions of 15 minutes on average and 2 minutes away: traders sit at their desks (~88 % online). */
    static final double SESSION_END_PER_SECOND = 1.0 / (15 * 60);
    static final double SESSION_START_PER_SECOND = 1.0 / 120;
    /** An online beta user acts every 2.5 s on average, others every 4 s (beta users are the keen ones). */
    static final double BETA_CANDIDATE_ACTIONS_PER_SECOND = 0.4;
    static final double ACTIONS_PER_SECOND = 0.25;
    /** Feedback after 2 % of actions; after a failed one, a fifth of users say something. */
    static final double FEEDBACK_PER_ACTION = 0.02;
    static final double FEEDBACK_AFTER_ERROR = 0.2;

    private static final Map<Action, Integer> WEIGHTS = new EnumMap<>(Map.of(
            Action.PLACE_ORDER, 30, Action.VIEW_PORTFOLIO, 25, Action.AI_ANALYSIS, 20, Action.ADVANCED_STRATEGIES, 25));
    /** Ratings 5..1 of a satisfied user (mean 4.38) and of one who just met an error (mean 2.0). */
    private static final double[] HAPPY = {0.55, 0.33, 0.08, 0.03, 0.01};
    private static final double[] UNHAPPY = {0.0, 0.0, 0.3, 0.4, 0.3};
    private static final List<String> PRAISE = List.of("fast fills", "love the new order ticket", "portfolio view is much clearer",
            "great analysis", "smooth", "works well", "nice charts");
    private static final Map<Action, List<String>> COMPLAINTS = new EnumMap<>(Map.of(
            Action.PLACE_ORDER, List.of("order rejected for no reason", "order ticket hung"),
            Action.VIEW_PORTFOLIO, List.of("portfolio did not load"),
            Action.AI_ANALYSIS, List.of("analysis timed out", "AI analysis failed"),
            Action.ADVANCED_STRATEGIES, List.of("strategy backtest failed", "strategies page is very slow", "could not save my strategy")));

    private final String rollout;
    private final RandomGenerator random;
    private final List<Trader> traders;
    private volatile String faultyFeature;
    private long betaRequests;
    private long betaErrors;
    private long controlRequests;
    private long controlErrors;

    TradingApp(String rollout, int users, RandomGenerator random) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, was " + users);
        }
        this.rollout = rollout;
        this.random = random;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(random.nextLong()));
        int candidates = (int) Math.round(users * BETA_SHARE);
        long[] enrollAt = new long[users];
        java.util.Arrays.fill(enrollAt, Trader.NEVER);
        for (int k = 0; k < candidates; k++) {
            enrollAt[order.get(k)] = k < FIRST_WAVE ? 0 : random.nextLong(ENROLL_SPAN_SECONDS + 1);
        }
        List<Trader> all = new ArrayList<>(users);
        String format = "trader-%0" + String.valueOf(users).length() + "d";
        for (int i = 0; i < users; i++) {
            Trader t = new Trader(format.formatted(i + 1), enrollAt[i]);
            // Start where the model settles (~88 % online), not with an empty application.
            if (random.nextDouble() < SESSION_START_PER_SECOND / (SESSION_START_PER_SECOND + SESSION_END_PER_SECOND)) {
                t.startSession();
            }
            all.add(t);
        }
        this.traders = List.copyOf(all);
    }

    List<Trader> traders() {
        return traders;
    }

    /** The beta candidates whose time to ask has come by {@code simSecond} and who have not asked yet; marks them. */
    List<Enrollment> enrollmentsDue(long simSecond) {
        List<Enrollment> due = new ArrayList<>();
        for (Trader t : traders) {
            if (t.betaCandidate() && !t.enrollRequested() && t.enrollAt() <= simSecond) {
                t.markEnrollRequested();
                due.add(new Enrollment(t.id(), t.email()));
            }
        }
        return due;
    }

    /** From now on, requests of {@code feature} by users who have it fail and are slow (see {@link Action}). */
    void injectFault(String feature) {
        faultyFeature = feature;
    }

    void clearFault() {
        faultyFeature = null;
    }

    String faultyFeature() {
        return faultyFeature;
    }

    Tally tally() {
        return new Tally(betaRequests, betaErrors, controlRequests, controlErrors);
    }

    /** Plays one simulated second stamped {@code at}: sessions start and end, online traders act. */
    List<Map<String, Object>> second(Instant at, Features features) {
        long ts = at.toEpochMilli();
        List<Map<String, Object>> events = new ArrayList<>();
        for (Trader t : traders) {
            if (!t.online()) {
                if (random.nextDouble() < SESSION_START_PER_SECOND) {
                    t.startSession();
                }
                continue;
            }
            t.tick();
            if (random.nextDouble() < SESSION_END_PER_SECOND) {
                events.add(event("session", ts, t.id(), "durationMs", t.endSession() * 1000));
                continue;
            }
            double rate = t.betaCandidate() ? BETA_CANDIDATE_ACTIONS_PER_SECOND : ACTIONS_PER_SECOND;
            if (random.nextDouble() < rate) {
                act(t, ts, features, events);
            }
        }
        return events;
    }

    private void act(Trader t, long ts, Features features, List<Map<String, Object>> events) {
        Action action = choose(t, features);
        boolean hasFeature = features.enabled(action.feature(), t.id());
        boolean faulty = hasFeature && action.feature().equals(faultyFeature);
        boolean failed = action.fails(random, faulty);
        double latency = Math.round(action.latencyMs(random, faulty) * 10) / 10.0;
        Map<String, Object> request = event("request", ts, t.id(), "latencyMs", latency);
        request.put("outcome", failed ? "error" : "ok");
        request.put("route", action.route());
        if (hasFeature) {
            request.put("feature", action.feature());
        }
        events.add(request);
        if (features.beta(t.id())) {
            betaRequests++;
            betaErrors += failed ? 1 : 0;
        } else {
            controlRequests++;
            controlErrors += failed ? 1 : 0;
        }
        if (hasFeature && t.firstUse(action.feature())) {
            Map<String, Object> used = event("feature_used", ts, t.id(), "feature", action.feature());
            events.add(used);
        }
        if (random.nextDouble() < (failed ? FEEDBACK_AFTER_ERROR : FEEDBACK_PER_ACTION)) {
            events.add(feedback(ts, t, action, failed));
        }
    }

    /** An action by weight among those the trader can do: the beta-only ones need their feature. */
    Action choose(Trader t, Features features) {
        int total = 0;
        for (Action a : Action.values()) {
            if (!a.betaOnly() || features.enabled(a.feature(), t.id())) {
                total += WEIGHTS.get(a);
            }
        }
        int pick = random.nextInt(total);
        for (Action a : Action.values()) {
            if (!a.betaOnly() || features.enabled(a.feature(), t.id())) {
                pick -= WEIGHTS.get(a);
                if (pick < 0) {
                    return a;
                }
            }
        }
        throw new AssertionError("weights exhausted");
    }

    private Map<String, Object> feedback(long ts, Trader t, Action action, boolean failed) {
        int rating = rating(failed ? UNHAPPY : HAPPY);
        Map<String, Object> e = event("feedback", ts, t.id(), "rating", rating);
        if (random.nextBoolean()) {
            List<String> comments = failed ? COMPLAINTS.get(action) : PRAISE;
            e.put("comment", comments.get(random.nextInt(comments.size())));
        }
        return e;
    }

    /** A rating 5..1 drawn from {@code weights} (listed from 5 down to 1). */
    int rating(double[] weights) {
        double u = random.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return 5 - i;
            }
        }
        return 1;
    }

    private Map<String, Object> event(String type, long ts, String userId, String field, Object value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("timestamp", ts);
        e.put("userId", userId);
        e.put("rollout", rollout);
        e.put(field, value);
        return e;
    }
}
