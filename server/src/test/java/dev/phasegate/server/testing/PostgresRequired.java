package dev.phasegate.server.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** For jqwik containers: skip (with the reason) when PostgreSQL is unreachable and not required. */
public final class PostgresRequired implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return TestStore.postgresSkipReason().map(SkipResult::skip).orElse(SkipResult.doNotSkip());
    }
}
