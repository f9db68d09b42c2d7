package dev.phasegate.core.plan;

/**
 * Someone (or something) told about alerts, rollbacks and incidents.
 *
 * @param name    who
 * @param email   an email address, or null
 * @param webhook an http(s) URL receiving JSON, or null
 * @param role    e.g. "on-call", "release-manager"
 */
public record Contact(String name, String email, String webhook, String role) {
}
