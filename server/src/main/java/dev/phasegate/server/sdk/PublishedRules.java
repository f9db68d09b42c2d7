package dev.phasegate.server.sdk;

import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.RulesSnapshot;

import java.time.Instant;

/**
 * One published version of the rules, with everything served from it made once.
 *
 * @param evaluator   evaluates any feature for any user from this version
 * @param binary      the snapshot in {@code application/vnd.phasegate.rules}
 * @param json        the snapshot as JSON
 * @param publishedAt when this node built it
 */
public record PublishedRules(Evaluator evaluator, byte[] binary, byte[] json, Instant publishedAt) {

    public long version() {
        return evaluator.version();
    }

    public RulesSnapshot snapshot() {
        return evaluator.snapshot();
    }

    /** The strong entity tag of this version. */
    public String etag() {
        return "\"" + version() + "\"";
    }
}
