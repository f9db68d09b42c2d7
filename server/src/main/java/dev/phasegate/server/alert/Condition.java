package dev.phasegate.server.alert;

/** What one evaluation of a guard found. */
public enum Condition {
    /** The threshold is breached. */
    BREACHING,
    /** The guard is healthy. */
    CLEAR,
    /** No data, or the guard could not be evaluated: the alert holds its state, neither fires nor resolves. */
    UNKNOWN
}
