package dev.phasegate.server.runbook;

/**
 * Crash points for the runbook's crash tests, off unless set: the process halts (as {@code kill -9}
 * would stop it: no shutdown hooks, no commit) inside the named step's transaction just before it
 * commits, or just after it committed. Set with {@code -Dphasegate.faults.haltInStep=notify-users} or
 * {@code -Dphasegate.faults.haltAfterStep=...}; meant for tests that start the server as a process.
 */
final class FaultInjection {

    /** The exit status of an injected halt, so a test can tell it from a real failure. */
    static final int HALT_STATUS = 86;

    private final String haltInStep;
    private final String haltAfterStep;

    FaultInjection(String haltInStep, String haltAfterStep) {
        this.haltInStep = haltInStep;
        this.haltAfterStep = haltAfterStep;
    }

    static FaultInjection fromSystemProperties() {
        return new FaultInjection(System.getProperty("phasegate.faults.haltInStep"),
                System.getProperty("phasegate.faults.haltAfterStep"));
    }

    static FaultInjection none() {
        return new FaultInjection(null, null);
    }

    void beforeCommit(String step) {
        if (step.equals(haltInStep)) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    void afterCommit(String step) {
        if (step.equals(haltAfterStep)) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
