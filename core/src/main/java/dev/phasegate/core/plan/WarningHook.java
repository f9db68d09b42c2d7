package dev.phasegate.core.plan;

import java.time.Duration;

/**
 * A guard's remediation on a warning: a webhook called (e.g. a scale-out endpoint) when the guard's warning
 * or critical alert fires, at most once per {@code cooldown} per rollout and guard. Advancement is held by
 * the firing alert itself.
 *
 * <p>Example (YAML): {@code onWarning: {webhook: https://ops.example.com/scale-out, cooldown: 10m}}
 *
 * @param webhook  the http(s) URL that receives a POST with the alert
 * @param cooldown the least time between two calls for the same rollout and guard
 */
public record WarningHook(String webhook, Duration cooldown) {

    /** Ten minutes: a scale-out takes minutes to show in the metrics; calling again sooner only piles up capacity. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);

    public WarningHook {
        cooldown = cooldown == null ? DEFAULT_COOLDOWN : cooldown;
    }
}
