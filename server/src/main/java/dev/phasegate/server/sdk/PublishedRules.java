package dev.phasegate.server.sdk;

import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.RulesSnapshot;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * One published version of the rules, with what is served from it made once: the evaluator and the
 * binary snapshot at build time, the JSON form on first request (few clients ask for it).
 */
public final class PublishedRules {

    private final Evaluator evaluator;
    private final byte[] binary;
    private final Supplier<byte[]> jsonMaker;
    private final Instant publishedAt;
    private volatile byte[] json;

    PublishedRules(Evaluator evaluator, byte[] binary, Supplier<byte[]> jsonMaker, Instant publishedAt) {
        this.evaluator = evaluator;
        this.binary = binary;
        this.jsonMaker = jsonMaker;
        this.publishedAt = publishedAt;
    }

    /** Evaluates any feature for any user from this version. */
    public Evaluator evaluator() {
        return evaluator;
    }

    public long version() {
        return evaluator.version();
    }

    public RulesSnapshot snapshot() {
        return evaluator.snapshot();
    }

    /** The snapshot in {@code application/vnd.phasegate.rules}. */
    public byte[] binary() {
        return binary;
    }

    /** The snapshot as JSON. */
    public byte[] json() {
        byte[] made = json;
        if (made == null) {
            made = jsonMaker.get();
            json = made;
        }
        return made;
    }

    /** When this node built it. */
    public Instant publishedAt() {
        return publishedAt;
    }

    /** The strong entity tag of this version. */
    public String etag() {
        return "\"" + version() + "\"";
    }
}
