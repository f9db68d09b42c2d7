package dev.phasegate.server.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** For JUnit classes: skip (with the reason) when PostgreSQL is unreachable and not required. */
public final class PostgresCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TestStore.postgresSkipReason().map(ConditionEvaluationResult::disabled)
                .orElse(ConditionEvaluationResult.enabled("PostgreSQL reachable or required"));
    }
}
