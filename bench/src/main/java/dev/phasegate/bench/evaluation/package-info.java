/**
 * In-process feature evaluation under JMH: the Phasegate SDK and its core evaluator against peer SDKs
 * (Unleash, LaunchDarkly, Togglz) and a bare murmur3 floor, all in one JMH run, over the same 100,000 user
 * ids. Each peer is started the way its documentation intends for offline use, with no network. Before a
 * benchmark is measured, its SDK must turn on about 25 % of the ids for the ramp feature and exactly the
 * enrolled ids for the targeted one ({@link dev.phasegate.bench.evaluation.ShareCheck}); otherwise the run
 * fails, since a peer that answers false for everyone would be a fake comparison. Figures: bench/README.md.
 */
package dev.phasegate.bench.evaluation;
