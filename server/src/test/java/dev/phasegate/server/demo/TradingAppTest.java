package dev.phasegate.server.demo;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The simulated trading application alone: seeded randomness, a features table the test writes, no server. */
class TradingAppTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    /** Users for whom {@code beta} holds have every feature; the others none. */
    private static TradingApp.Features features(Predicate<String> beta) {
        return new TradingApp.Features() {
            @Override
            public boolean enabled(String feature, String userId) {
                return beta.test(userId);
            }

            @Override
            public boolean beta(String userId) {
                return beta.test(userId);
            }
        };
    }

    private static List<Map<String, Object>> run(TradingApp app, int seconds, TradingApp.Features features) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            events.addAll(app.second(AT.plusSeconds(s), features));
        }
        return events;
    }

    private static List<Map<String, Object>> requests(List<Map<String, Object>> events, String route) {
        return events.stream().filter(e -> e.get("type").equals("request") && e.get("route").equals(route)).toList();
    }

    private static double errorRate(List<Map<String, Object>> requests) {
        return (double) requests.stream().filter(e -> e.get("outcome").equals("error")).count() / requests.size();
    }

    private static double median(List<Map<String, Object>> requests) {
        double[] ms = requests.stream().mapToDouble(e -> ((Number) e.get("latencyMs")).doubleValue()).sorted().toArray();
        return ms[ms.length / 2];
    }

    @Test
    void the_same_seed_replays_the_same_traders_enrollments_and_events() {
        TradingApp a = new TradingApp("t", 100, new SplittableRandom(7));
        TradingApp b = new TradingApp("t", 100, new SplittableRandom(7));
        TradingApp.Features f = features(u -> u.hashCode() % 3 == 0);

        assertThat(b.enrollmentsDue(600)).isEqualTo(a.enrollmentsDue(600));
        assertThat(run(b, 120, f)).isEqualTo(run(a, 120, f));
        assertThat(run(new TradingApp("t", 100, new SplittableRandom(8)), 120, f)).isNotEqualTo(run(a, 120, f));
    }

    @Test
    void forty_percent_of_traders_ask_to_join_eight_at_once_the_rest_within_twenty_minutes_each_once() {
        TradingApp app = new TradingApp("t", 300, new SplittableRandom(1));

        List<TradingApp.Enrollment> first = app.enrollmentsDue(0);
        List<TradingApp.Enrollment> rest = app.enrollmentsDue(TradingApp.ENROLL_SPAN_SECONDS);

        assertThat(first.size()).isBetween(TradingApp.FIRST_WAVE, TradingApp.FIRST_WAVE + 2);
        assertThat(first.size() + rest.size()).isEqualTo(120);
        assertThat(app.enrollmentsDue(Long.MAX_VALUE)).as("nobody asks twice; the other 180 never ask").isEmpty();
        Set<String> asked = new java.util.HashSet<>();
        first.forEach(e -> asked.add(e.userId()));
        rest.forEach(e -> asked.add(e.userId()));
        assertThat(asked).hasSize(120);
        assertThat(app.traders().stream().filter(Trader::betaCandidate).map(Trader::id).collect(Collectors.toSet())).isEqualTo(asked);
        assertThat(first.getFirst().email()).isEqualTo(first.getFirst().userId() + "@traders.example");
    }

    @Test
    void latencies_are_log_normal_around_each_actions_median() {
        SplittableRandom random = new SplittableRandom(3);
        for (Action action : Action.values()) {
            double[] ms = new double[20_000];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = action.latencyMs(random, false);
            }
            Arrays.sort(ms);
            assertThat(ms[0]).isPositive();
            assertThat(ms[ms.length / 2]).as(action + " median").isCloseTo(action.medianMs(), within(action.medianMs() * 0.05));
            // A right tail: the 95th percentile is well above twice the median, as in real services.
            assertThat(ms[(int) (ms.length * 0.95)]).as(action + " p95").isGreaterThan(action.medianMs() * 1.8);
        }
    }

    @Test
    void a_healthy_application_fails_well_under_one_percent_of_requests_in_both_cohorts() {
        TradingApp app = new TradingApp("t", 200, new SplittableRandom(11));
        List<Map<String, Object>> events = run(app, 1_200, features(u -> u.endsWith("1") || u.endsWith("2")));

        TradingApp.Tally t = app.tally();
        assertThat(t.betaRequests()).isGreaterThan(5_000);
        assertThat(t.controlRequests()).isGreaterThan(20_000);
        assertThat((double) t.betaErrors() / t.betaRequests()).isBetween(0.001, 0.006);
        assertThat((double) t.controlErrors() / t.controlRequests()).isBetween(0.001, 0.006);
        assertThat(events.stream().filter(e -> e.get("type").equals("request")).count())
                .isEqualTo(t.betaRequests() + t.controlRequests());
    }

    @Test
    void beta_only_actions_and_feature_tags_need_the_feature() {
        TradingApp app = new TradingApp("t", 100, new SplittableRandom(5));
        List<Map<String, Object>> events = run(app, 300, features(u -> false));

        assertThat(requests(events, "/api/analysis")).isEmpty();
        assertThat(requests(events, "/api/strategies")).isEmpty();
        assertThat(requests(events, "/api/orders")).isNotEmpty().allSatisfy(e -> assertThat(e).doesNotContainKey("feature"));
        assertThat(events).noneMatch(e -> e.get("type").equals("feature_used"));
        assertThat(events).allSatisfy(e -> assertThat(e.get("rollout")).isEqualTo("t"));
    }

    @Test
    void the_fault_raises_errors_and_latency_of_its_feature_for_the_users_who_have_it_and_nothing_else() {
        TradingApp app = new TradingApp("t", 200, new SplittableRandom(13));
        Predicate<String> beta = u -> u.compareTo("trader-100") <= 0;
        app.injectFault("advanced-strategies");
        List<Map<String, Object>> events = run(app, 1_200, features(beta));

        List<Map<String, Object>> strategies = requests(events, "/api/strategies");
        assertThat(strategies).isNotEmpty().allSatisfy(e -> assertThat(beta.test((String) e.get("userId"))).isTrue());
        assertThat(errorRate(strategies)).isCloseTo(Action.FAULT_ERROR_RATE, within(0.02));
        assertThat(median(strategies)).isCloseTo(Action.ADVANCED_STRATEGIES.medianMs() * Action.FAULT_LATENCY_FACTOR,
                within(Action.ADVANCED_STRATEGIES.medianMs() * Action.FAULT_LATENCY_FACTOR * 0.1));
        List<Map<String, Object>> analysis = requests(events, "/api/analysis");
        assertThat(errorRate(analysis)).isLessThan(0.02);
        assertThat(median(analysis)).isCloseTo(Action.AI_ANALYSIS.medianMs(), within(Action.AI_ANALYSIS.medianMs() * 0.1));
        List<Map<String, Object>> controlOrders = requests(events, "/api/orders").stream()
                .filter(e -> !beta.test((String) e.get("userId"))).toList();
        assertThat(errorRate(controlOrders)).isLessThan(0.02);

        app.clearFault();
        List<Map<String, Object>> after = requests(run(app, 600, features(beta)), "/api/strategies");
        assertThat(errorRate(after)).isLessThan(0.02);
    }

    @Test
    void a_feature_is_reported_used_once_per_session() {
        TradingApp app = new TradingApp("t", 50, new SplittableRandom(17));
        List<Map<String, Object>> events = run(app, 600, features(u -> true));

        Map<String, Long> uses = new HashMap<>();
        events.stream().filter(e -> e.get("type").equals("feature_used"))
                .forEach(e -> uses.merge(e.get("userId") + "/" + e.get("feature"), 1L, Long::sum));
        Map<String, Long> sessionsEnded = events.stream().filter(e -> e.get("type").equals("session"))
                .collect(Collectors.groupingBy(e -> (String) e.get("userId"), Collectors.counting()));
        assertThat(uses).isNotEmpty();
        uses.forEach((key, count) -> assertThat(count).as(key)
                .isLessThanOrEqualTo(1 + sessionsEnded.getOrDefault(key.substring(0, key.indexOf('/')), 0L)));
    }

    @Test
    void satisfied_users_rate_above_four_on_average_and_users_who_met_an_error_below_three() {
        TradingApp app = new TradingApp("t", 20, new SplittableRandom(19));
        double happy = 0;
        for (int i = 0; i < 10_000; i++) {
            happy += app.rating(new double[]{0.55, 0.33, 0.08, 0.03, 0.01});
        }
        assertThat(happy / 10_000).isCloseTo(4.38, within(0.05));
        List<Map<String, Object>> feedback = run(app, 3_000, features(u -> true)).stream()
                .filter(e -> e.get("type").equals("feedback")).toList();
        assertThat(feedback).isNotEmpty().allSatisfy(e -> assertThat((Integer) e.get("rating")).isBetween(1, 5));
    }
}
