package dev.phasegate.server.rollout;

import java.util.List;

/**
 * What applying a plan did (or, for a dry run, would do).
 *
 * @param outcome  {@code created}, {@code updated} or {@code unchanged}
 * @param dryRun   whether nothing was written
 * @param changes  one line per change
 * @param rollout  the rollout after the change (for a dry run: as it stands)
 */
public record ApplyResult(String outcome, boolean dryRun, List<String> changes, RolloutView rollout) {
}
