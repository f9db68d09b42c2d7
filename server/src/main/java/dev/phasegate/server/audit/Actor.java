package dev.phasegate.server.audit;

/**
 * Who made a change: a token (by id and name, never the secret), a person, or the system itself.
 *
 * @param id      stable id, e.g. {@code token:tok_3fj2k}
 * @param display what a person reads, e.g. {@code token:tok_3fj2k (ci deploy)}
 */
public record Actor(String id, String display) {
    public static final Actor SYSTEM = new Actor("system", "system");
    /** The guardian: automatic pauses, rollbacks and their runbook steps. */
    public static final Actor GUARDIAN = new Actor("guardian", "guardian");

    @Override
    public String toString() {
        return display;
    }
}
