/**
 * Monte Carlo harness for the statistical judge ({@code dev.phasegate.server.judge}): simulated traffic,
 * judged every simulated second, to measure false alarm rates and detection power. A benchmark that
 * prints figures, not a test; see {@code bench/README.md} and {@code bench/run-judge.sh}.
 */
package dev.phasegate.bench.judge;
