package dev.phasegate.core.gate;

/**
 * What gating needs of one feature.
 *
 * @param key        the feature key
 * @param unlockedAt 1-based number of the phase that unlocks it
 * @param percentage the share of all users (0–100) who get it now, by sticky bucketing
 * @param killSwitch whether its kill switch is on
 */
public record FeatureRule(String key, int unlockedAt, int percentage, boolean killSwitch) {
}
