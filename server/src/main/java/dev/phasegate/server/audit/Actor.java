package dev.phasegate.server.audit;

/**
 * Who made a change: a token (by id and name, never the secret), a person, or the system itself.
 *
 * @param id      stable id, e.g. {@code token:tok_3fj2k}
 * @param display what a person reads, e.g. {@code token:tok_3fj2k (ci deploy)}
 */
public record Actor(String id, String display) {
    public static final Actor SYSTEM = new Actor("system", "system");

    @Override
    public String toString() {
        return display;
    }
}
