package dev.phasegate.server.rollout;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.GuardAction;
import dev.phasegate.core.plan.GuardKind;
import dev.phasegate.core.plan.GuardMetric;
import dev.phasegate.core.plan.GuardScope;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardDocumentsTest {

    private static final String PHASES = "rollout: guards\nphases:\n  - {name: pilot, capacity: 5}\n  - {name: wide, capacity: 50}\n";

    @Test
    void comparison_trend_custom_and_promql_guards_read_with_their_defaults_and_round_trip() {
        Plan plan = read(PHASES + """
                guards:
                  - {name: errors-vs-control, kind: comparison, metric: error-rate}
                  - {name: tail-vs-control, kind: comparison, metric: p99-latency, phase: 2, warning: 95, critical: 99}
                  - {name: cpu-trend, kind: trend, metric: cpu, critical: 85}
                  - {name: order-queue, metric: custom, metricName: order-queue-depth, warning: 100, critical: 500, window: 30s}
                  - {name: upstream-errors, metric: promql, query: 'sum(rate(http_errors_total[1m]))', warning: 1, critical: 5}
                """);

        Guard comparison = plan.guards().get(0);
        assertThat(comparison.kind()).isEqualTo(GuardKind.COMPARISON);
        assertThat(comparison.scope()).isEqualTo(GuardScope.BETA);
        assertThat(comparison.warning()).isEqualTo(Guard.DEFAULT_COMPARISON_WARNING);
        assertThat(comparison.critical()).isEqualTo(Guard.DEFAULT_COMPARISON_CRITICAL);
        assertThat(comparison.window()).isEqualTo(Guard.DEFAULT_COMPARISON_WINDOW);
        assertThat(comparison.onCritical()).isEqualTo(GuardAction.ROLLBACK);
        assertThat(plan.guards().get(1).phase()).isEqualTo(2);
        Guard trend = plan.guards().get(2);
        assertThat(trend.scope()).isEqualTo(GuardScope.SYSTEM);
        assertThat(trend.warning()).isNaN();
        assertThat(trend.horizon()).isEqualTo(Guard.DEFAULT_HORIZON);
        assertThat(trend.onCritical()).isEqualTo(GuardAction.ALERT);
        assertThat(trend.minSamples()).isEqualTo(Guard.DEFAULT_TREND_MIN_SAMPLES);
        Guard custom = plan.guards().get(3);
        assertThat(custom.metric()).isEqualTo(GuardMetric.CUSTOM);
        assertThat(custom.metricName()).isEqualTo("order-queue-depth");
        assertThat(custom.scope()).isEqualTo(GuardScope.SYSTEM);
        assertThat(custom.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(custom.minSamples()).isEqualTo(1);
        Guard promql = plan.guards().get(4);
        assertThat(promql.scope()).isEqualTo(GuardScope.SYSTEM);
        assertThat(promql.query()).isEqualTo("sum(rate(http_errors_total[1m]))");

        Plan again = PlanDocuments.toPlan(PlanDocuments.toDocument(plan), null);
        assertThat(again.guards()).isEqualTo(plan.guards());
    }

    @Test
    void omitted_guards_are_the_reference_four_as_threshold_guards_over_a_minute() {
        Plan plan = read(PHASES);

        assertThat(plan.guards()).extracting(Guard::name).containsExactly("cpu", "memory", "response-time", "error-rate");
        assertThat(plan.guards()).allSatisfy(g -> {
            assertThat(g.kind()).isEqualTo(GuardKind.THRESHOLD);
            assertThat(g.window()).isEqualTo(Guard.DEFAULT_THRESHOLD_WINDOW);
        });
    }

    @Test
    void each_misuse_of_a_guard_kind_is_reported_on_its_field() {
        assertThat(problems(PHASES + """
                guards:
                  - {name: a, kind: comparison, metric: cpu, scope: system}
                  - {name: b, kind: comparison, metric: error-rate, warning: 99.9, critical: 100}
                  - {name: c, kind: trend, metric: p95-latency, warning: 1, critical: 2, onCritical: rollback}
                  - {name: d, kind: trend, metric: cpu, critical: 85, horizon: 30s}
                  - {name: e, metric: custom, warning: 1, critical: 2}
                  - {name: f, metric: promql, warning: 1, critical: 2}
                  - {name: g, metric: error-rate, warning: 1, critical: 2, phase: 3}
                  - {name: h, metric: cpu, scope: beta, warning: 70, critical: 85}
                  - {name: i, metric: error-rate, warning: 1, critical: 2, window: 5s, horizon: 10m}
                  - {name: j, kind: sometimes, metric: error-rate, warning: 1, critical: 2}
                  - {name: k, metric: error-rate, warning: 1, critical: 2, query: 'up'}
                """)).containsExactlyInAnyOrder(
                "guards[0].metric", "guards[0].scope", "guards[1].critical", "guards[2].warning", "guards[2].onCritical",
                "guards[3].horizon", "guards[4].metricName", "guards[5].query", "guards[6].phase", "guards[7].scope",
                "guards[8].horizon", "guards[8].window", "guards[9].kind", "guards[10].query");
    }

    @Test
    void a_warning_hook_reads_with_its_default_cooldown_round_trips_and_names_its_bad_fields() {
        Plan plan = read(PHASES + """
                guards:
                  - {name: p95, metric: p95-latency, warning: 1, critical: 2, onWarning: {webhook: 'https://ops.example.com/scale'}}
                  - {name: errors, metric: error-rate, warning: 1, critical: 2, onWarning: {webhook: 'http://10.0.0.1:8080/x', cooldown: 0s}}
                """);

        assertThat(plan.guards().get(0).onWarning().webhook()).isEqualTo("https://ops.example.com/scale");
        assertThat(plan.guards().get(0).onWarning().cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(plan.guards().get(1).onWarning().cooldown()).isEqualTo(Duration.ZERO);
        assertThat(PlanDocuments.toPlan(PlanDocuments.toDocument(plan), null).guards()).isEqualTo(plan.guards());
        assertThat(problems(PHASES + """
                guards:
                  - {name: a, metric: error-rate, warning: 1, critical: 2, onWarning: {webhook: 'mailto:ops@example.com'}}
                  - {name: b, metric: error-rate, warning: 1, critical: 2, onWarning: {webhook: 'https://x.example', cooldown: soon}}
                  - {name: c, metric: error-rate, warning: 1, critical: 2, onWarning: {cooldown: 1m}}
                """)).containsExactlyInAnyOrder("guards[0].onWarning.webhook", "guards[1].onWarning.cooldown",
                "guards[2].onWarning.webhook");
    }

    private static Plan read(String yaml) {
        return PlanDocuments.read(yaml.getBytes(StandardCharsets.UTF_8), true, null);
    }

    private static java.util.List<String> problems(String yaml) {
        var thrown = assertThatThrownBy(() -> read(yaml)).isInstanceOf(PhasegateException.Invalid.class).actual();
        return ((PhasegateException.Invalid) thrown).problems().stream().map(Problem::field).toList();
    }
}
