/**
 * Request rate limits: a token bucket per caller ({@link dev.phasegate.server.limit.RateLimiter}) for
 * telemetry ingest and evaluation, and failed sign-ins counted per name and per client address
 * ({@link dev.phasegate.server.limit.SignInThrottle}). Time comes from an injected clock; HTTP answers
 * (429 with Retry-After) are written by {@code http.HttpApi}.
 */
package dev.phasegate.server.limit;
