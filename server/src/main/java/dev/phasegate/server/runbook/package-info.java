/**
 * The rollback runbook, executed durably: a {@link dev.phasegate.server.runbook.RunbookRun} per rollback
 * with one stored row per step. Every step's effect commits in the same transaction that marks it done,
 * so a crash at any point leaves each step either done once or not at all, and the executor (on the
 * next start, or on another node) resumes where it stopped. A failed step is retried with backoff; past
 * its limit the run goes on with the remaining steps and says what failed. A watchdog takes features
 * away if the run has not done so in time.
 */
package dev.phasegate.server.runbook;
