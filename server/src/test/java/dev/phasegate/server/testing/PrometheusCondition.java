package dev.phasegate.server.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** For JUnit classes: skip (with the reason) when no Prometheus binary is installed and none is required. */
public final class PrometheusCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TestPrometheus.skipReason().map(ConditionEvaluationResult::disabled)
                .orElse(ConditionEvaluationResult.enabled("a prometheus binary is installed or required"));
    }
}
