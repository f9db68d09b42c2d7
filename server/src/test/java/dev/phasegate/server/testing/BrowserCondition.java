package dev.phasegate.server.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** For JUnit classes: skip (with the reason) when no headless Chromium is installed and none is required. */
public final class BrowserCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return TestBrowser.skipReason().map(ConditionEvaluationResult::disabled)
                .orElse(ConditionEvaluationResult.enabled("chromium and chromedriver are installed or required"));
    }
}
