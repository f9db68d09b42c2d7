/**
 * The Phasegate Java SDK: {@link dev.phasegate.sdk.PhasegateClient} evaluates features locally from a
 * rules snapshot that the server pushes (SSE) or that the client polls, with an offline bootstrap and a
 * last-known-good file. Evaluation never throws and never waits on the network. With an ingest token
 * the client also sends telemetry ({@code track*}): checked locally, buffered with a bound, and sent in
 * batches by a background thread ({@code Telemetry}).
 */
package dev.phasegate.sdk;
