package dev.phasegate.server.runbook;

import dev.phasegate.server.rollout.StoredRollout;

import java.time.Instant;

/** What a step sees: the run, the rollout as it stands (locked), and the time. */
public record RunContext(RunbookRun run, StoredRollout rollout, Instant now) {
}
