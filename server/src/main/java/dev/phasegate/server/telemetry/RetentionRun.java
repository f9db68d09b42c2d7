package dev.phasegate.server.telemetry;

import java.time.Instant;

/**
 * One run of the rollups' downsampling and retention purge, told to {@link Telemetry#onRetentionRun} listeners
 * (the action log records the runs that changed something or failed).
 *
 * @param at         when it started
 * @param durationMs how long it took
 * @param merged     coarser rows written by downsampling (10 s → 1 min, 1 min → 1 h)
 * @param purged     rows deleted for being older than the retention
 * @param failure    what went wrong, or null when it succeeded
 */
public record RetentionRun(Instant at, long durationMs, int merged, int purged, String failure) {

    public boolean changedSomething() {
        return merged > 0 || purged > 0;
    }
}
