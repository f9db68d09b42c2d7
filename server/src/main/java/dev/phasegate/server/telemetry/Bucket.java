package dev.phasegate.server.telemetry;

import java.util.List;

/**
 * One 10 s bucket of one series. Its monitor is the lock every update, flush and read takes, so concurrent
 * ingest threads never lose an update; an ingest batch takes it once per bucket, not once per event.
 *
 * <p>The data is in three parts: {@code unflushed} (not in the store yet), {@code inFlight} (being written
 * by the flusher) and {@code flushed} (in the store, kept for the memory window). A late event after a
 * flush lands in {@code unflushed} again and is written as another additive row.
 */
final class Bucket {

    final Series series;
    final long start;
    private Partial unflushed = new Partial();
    private Partial inFlight;
    private Partial flushed;
    private volatile boolean retired;

    Bucket(Series series, long start) {
        this.series = series;
        this.start = start;
    }

    boolean retired() {
        return retired;
    }

    /** Adds events; false if the bucket was retired meanwhile (the caller then uses a fresh one). */
    synchronized boolean add(List<Event> events) {
        if (retired) {
            return false;
        }
        long requests = unflushed.requests;
        long errors = unflushed.errors;
        for (int i = 0, n = events.size(); i < n; i++) {
            unflushed.add(events.get(i));
        }
        series.requestsTotal.add(unflushed.requests - requests);
        series.errorsTotal.add(unflushed.errors - errors);
        return true;
    }

    /** Hands the unflushed part to the flusher, or null if there is nothing to write. */
    synchronized Partial takeForFlush() {
        if (inFlight != null || unflushed.isEmpty()) {
            return null;
        }
        inFlight = unflushed;
        unflushed = new Partial();
        return inFlight;
    }

    /** After a write: keeps the part as flushed, or (when the write failed) puts it back to be written again. */
    synchronized void flushDone(boolean written) {
        if (inFlight == null) {
            return;
        }
        if (written) {
            if (flushed == null) {
                flushed = inFlight;
            } else {
                flushed.merge(inFlight);
            }
        } else {
            inFlight.merge(unflushed);
            unflushed = inFlight;
        }
        inFlight = null;
    }

    /** Adds everything this node counted in the bucket to {@code target}. */
    synchronized void mergeAllInto(Partial target) {
        if (flushed != null) {
            target.merge(flushed);
        }
        if (inFlight != null) {
            target.merge(inFlight);
        }
        target.merge(unflushed);
    }

    /** Adds what is not in the store yet to {@code target}. */
    synchronized void mergeUnflushedInto(Partial target) {
        if (inFlight != null) {
            target.merge(inFlight);
        }
        target.merge(unflushed);
    }

    synchronized boolean hasUnflushed() {
        return inFlight != null || !unflushed.isEmpty();
    }

    /** Retires the bucket if everything in it is stored; later events for its time go to a new bucket. */
    synchronized boolean retireIfStored() {
        if (inFlight != null || !unflushed.isEmpty()) {
            return false;
        }
        retired = true;
        return true;
    }
}
