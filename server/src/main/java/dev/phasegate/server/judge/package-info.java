/**
 * The statistical judge behind comparison and trend guards: pure, deterministic functions (no I/O, no clock,
 * no threads) that the guard engine calls every second with what its telemetry windows hold.
 *
 * <ul>
 *   <li>{@link dev.phasegate.server.judge.ProportionJudge}: is beta's error rate higher than control's? An
 *       always-valid sequential test, so checking it every second for an hour keeps its error rate.</li>
 *   <li>{@link dev.phasegate.server.judge.TailJudge}: is beta's latency tail heavier than control's? The same
 *       test on the share of requests above control's p95 and p99, read from DDSketch bins.</li>
 *   <li>{@link dev.phasegate.server.judge.TrendForecaster}: when will a metric cross its critical level, by
 *       least squares with a prediction interval.</li>
 * </ul>
 *
 * <p>Expected outcomes, "insufficient data" included, are values ({@link dev.phasegate.server.judge.Outcome});
 * only a caller's bug (negative counts, mismatched arrays) throws {@link IllegalArgumentException}.
 * {@code bench/run-judge.sh} measures false alarm rates and detection power by simulation.
 */
package dev.phasegate.server.judge;
