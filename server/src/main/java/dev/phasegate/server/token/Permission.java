package dev.phasegate.server.token;

import io.javalin.security.RouteRole;

/** What a route requires. Each route names exactly one; {@link TokenKind} says which kinds hold it. */
public enum Permission implements RouteRole {
    /** Read rollouts, enrollments, the audit log. */
    READ,
    /** Change rollouts: plans, transitions, enrollments, kill switches. */
    OPERATE,
    /** Evaluate features for users. */
    EVALUATE,
    /** Send telemetry. */
    INGEST,
    /** Manage tokens. */
    ADMINISTER
}
