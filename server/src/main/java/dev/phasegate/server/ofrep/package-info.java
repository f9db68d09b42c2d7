/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) on the server, so any OpenFeature SDK with an OFREP
 * provider can ask Phasegate for flags over HTTP: a flag is a feature key, its value is whether the user
 * (the context's {@code targetingKey}) gets it.
 *
 * <p>What it serves, as the protocol's OpenAPI document (open-feature/protocol, {@code service/openapi.yaml})
 * and its ADR-0008 ({@code service/adrs/0008-sse-for-bulk-evaluation-changes.md}) define it:
 * <ul>
 *   <li>{@code POST /ofrep/v1/evaluate/flags/{key}}: one flag ({@link OfrepRoutes});</li>
 *   <li>{@code POST /ofrep/v1/evaluate/flags}: every flag, with an {@code ETag} per rules version and context
 *       ({@link ContextEtag}) and an {@code eventStreams} entry pointing at</li>
 *   <li>{@code GET /ofrep/v1/events}: server-sent {@code refetchEvaluation} events whenever the rules
 *       change ({@link EvaluationEvents}).</li>
 * </ul>
 * Answers come from the published rules in memory ({@code sdk.RulesCache}), never from the store, so an
 * evaluation costs a map lookup. Bad requests are answered in the protocol's own error bodies
 * ({@link OfrepBody}); each token is held to a request rate ({@link dev.phasegate.server.limit.RateLimiter}, shared with feature evaluation).
 */
package dev.phasegate.server.ofrep;
