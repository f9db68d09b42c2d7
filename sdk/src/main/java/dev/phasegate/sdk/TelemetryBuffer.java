package dev.phasegate.sdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Events waiting to be sent, oldest first, at most {@code capacity} of them: a new event arriving at a
 * full buffer pushes out the oldest (recent telemetry says more about a rollout's health now than old).
 * The batch being sent is held apart ({@link #take}); if it cannot be sent it goes back in front
 * ({@link #giveBack}) and the buffer is trimmed to capacity again, so memory stays bounded by
 * {@code capacity} plus one batch whatever the server does.
 *
 * <p>One lock, held for a few array operations at most: application threads adding events never wait on
 * I/O, only (briefly) on each other or on the flusher taking a batch.
 */
final class TelemetryBuffer {

    private final int capacity;
    private final ArrayDeque<TelemetryEvent> events;
    private int inFlight;
    private long droppedOverflow;

    TelemetryBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Adds an event, dropping the oldest waiting one if full; returns how many are waiting now. */
    synchronized int add(TelemetryEvent event) {
        if (events.size() >= capacity) {
            events.pollFirst();
            droppedOverflow++;
        }
        events.addLast(event);
        return events.size();
    }

    /** Removes up to {@code max} of the oldest events, to be sent; they count as in flight until settled. */
    synchronized List<TelemetryEvent> take(int max) {
        int n = Math.min(max, events.size());
        List<TelemetryEvent> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(events.pollFirst());
        }
        inFlight += n;
        return batch;
    }

    /**
     * Puts events taken but not delivered back in front, in their order, then drops the oldest beyond
     * capacity: what arrived while they were away is newer and wins.
     */
    synchronized void giveBack(List<TelemetryEvent> batch) {
        inFlight -= batch.size();
        for (int i = batch.size() - 1; i >= 0; i--) {
            events.addFirst(batch.get(i));
        }
        while (events.size() > capacity) {
            events.pollFirst();
            droppedOverflow++;
        }
    }

    /** The taken events are gone for good (delivered, or refused by the server). */
    synchronized void settle(int count) {
        inFlight -= count;
    }

    /** Events waiting plus those in flight. */
    synchronized int queued() {
        return events.size() + inFlight;
    }

    synchronized int waiting() {
        return events.size();
    }

    synchronized long droppedOverflow() {
        return droppedOverflow;
    }

    int capacity() {
        return capacity;
    }
}
