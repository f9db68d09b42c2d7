/**
 * People who use the web UI: users with a role (viewer, operator, admin), their Argon2id password hashes,
 * sign-in sessions held in a cookie, and the CSRF token every change made with that cookie must carry.
 * Machines keep using tokens ({@link dev.phasegate.server.token}); a session is accepted by the same routes
 * as an alternative, with the role's permissions.
 */
package dev.phasegate.server.user;
