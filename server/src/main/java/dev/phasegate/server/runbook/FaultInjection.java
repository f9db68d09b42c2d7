package dev.phasegate.server.runbook;

/**
 * Crash points for the runbook's crash tests, off unless set: the process halts (as {@code kill -9}
 * would stop it: no shutdown hooks, no commit) inside the named step's transaction just before it
 * commits, or just after it committed. Set with {@code -Dphasegate.faults.haltInStep=notify-users} or
 * {@code -Dphasegate.faults.haltAfterStep=...}; meant for tests that start the server as a process. And a
 * failure: {@code -Dphasegate.faults.failStep=notify-users -Dphasegate.faults.failTimes=2} makes that step's
 * first attempts throw inside their transaction, as a store or notice problem would.
 */
final class FaultInjection {

    /** The exit status of an injected halt, so a test can tell it from a real failure. */
    static final int HALT_STATUS = 86;

    private final String haltInStep;
    private final String haltAfterStep;
    private final String failStep;
    private final java.util.concurrent.atomic.AtomicInteger failuresLeft;

    FaultInjection(String haltInStep, String haltAfterStep, String failStep, int failTimes) {
        this.haltInStep = haltInStep;
        this.haltAfterStep = haltAfterStep;
        this.failStep = failStep;
        this.failuresLeft = new java.util.concurrent.atomic.AtomicInteger(failTimes);
    }

    static FaultInjection fromSystemProperties() {
        return new FaultInjection(System.getProperty("phasegate.faults.haltInStep"),
                System.getProperty("phasegate.faults.haltAfterStep"), System.getProperty("phasegate.faults.failStep"),
                Integer.getInteger("phasegate.faults.failTimes", 0));
    }

    static FaultInjection none() {
        return new FaultInjection(null, null, null, 0);
    }

    void beforeCommit(String step) {
        if (step.equals(failStep) && failuresLeft.getAndDecrement() > 0) {
            throw new IllegalStateException("injected failure of step " + step);
        }
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
