package dev.phasegate.server.demo;

import java.util.HashSet;
import java.util.Set;

/**
 * One simulated trader. Owned by {@link TradingApp}, which alone changes it (on the simulation's thread).
 *
 * @see TradingApp
 */
final class Trader {

    /** Whether this trader never asks to join the beta. */
    static final long NEVER = -1;

    private final String id;
    private final long enrollAt;
    private boolean enrollRequested;
    private boolean online;
    private long sessionSeconds;
    private final Set<String> usedThisSession = new HashSet<>();

    Trader(String id, long enrollAt) {
        this.id = id;
        this.enrollAt = enrollAt;
    }

    String id() {
        return id;
    }

    String email() {
        return id + "@traders.example";
    }

    /** The simulated second at which the trader asks to join the beta, or {@link #NEVER}. */
    long enrollAt() {
        return enrollAt;
    }

    boolean betaCandidate() {
        return enrollAt != NEVER;
    }

    boolean enrollRequested() {
        return enrollRequested;
    }

    void markEnrollRequested() {
        enrollRequested = true;
    }

    boolean online() {
        return online;
    }

    void startSession() {
        online = true;
        sessionSeconds = 0;
        usedThisSession.clear();
    }

    /** Ends the session and returns its length in seconds. */
    long endSession() {
        online = false;
        return sessionSeconds;
    }

    void tick() {
        sessionSeconds++;
    }

    /** Records a use of {@code feature}; true for its first use in this session. */
    boolean firstUse(String feature) {
        return usedThisSession.add(feature);
    }
}
