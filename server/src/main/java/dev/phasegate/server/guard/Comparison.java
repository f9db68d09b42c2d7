package dev.phasegate.server.guard;

import dev.phasegate.server.judge.Outcome;

import java.util.Map;

/** A comparison guard's reading: the judge's verdict on beta against control, with the figures behind it. */
record Comparison(Outcome outcome, double estimate, double lower, double upper, long betaSamples, long controlSamples,
                  Map<String, Object> figures, String explanation) {
}
