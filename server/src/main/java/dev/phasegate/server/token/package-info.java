/**
 * API tokens for machines: kinds and what each may do, creation (the secret is shown once and stored only
 * as a hash), revocation, and authentication of requests.
 */
package dev.phasegate.server.token;
