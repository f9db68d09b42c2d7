package dev.phasegate.server.ofrep;

import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the protocol, one record per schema of the OpenAPI document, named after it. Field
 * names are the wire names. Null fields are left out (the server's JSON configuration).
 */
final class OfrepBody {

    private OfrepBody() {
    }

    /**
     * {@code evaluationSuccess} with a {@code booleanFlag} value.
     *
     * @param variant  "on" or "off": Phasegate's flags have exactly these two variants
     * @param metadata {@code metadata} ("arbitrary metadata supporting flag evaluation"; booleans, strings
     *                 and numbers only)
     */
    record FlagEvaluation(String key, boolean value, OpenFeatureReason reason, String variant, FlagMetadata metadata) {
    }

    /**
     * Phasegate's part of {@code metadata}.
     *
     * @param rollout         the rollout that owns the flag
     * @param phase           the rollout's current phase (1-based)
     * @param phasegateReason Phasegate's own reason, finer than the OpenFeature one ("enrolled-phase", ...)
     */
    record FlagMetadata(String rollout, int phase, String phasegateReason) {
    }

    /** {@code evaluationFailure} (400) and {@code flagNotFound} (404) of the single-flag endpoint. */
    record EvaluationFailure(String key, OfrepErrorCode errorCode, String errorDetails) {
    }

    /** {@code bulkEvaluationFailure} (400) of the bulk endpoint. */
    record BulkEvaluationFailure(OfrepErrorCode errorCode, String errorDetails) {
    }

    /**
     * {@code bulkEvaluationSuccess}.
     *
     * @param eventStreams where to hear about changes (ADR-0008), so a client need not poll
     * @param metadata     metadata about the whole set: the rules version it was evaluated from
     */
    record BulkEvaluation(List<FlagEvaluation> flags, List<EventStream> eventStreams, Map<String, Object> metadata) {
    }

    /**
     * {@code eventStream} (ADR-0008): {@code type} "sse" is the only type defined; {@code url} is opaque to
     * the provider.
     */
    record EventStream(String type, String url) {
    }

    /**
     * {@code sseEvent} data (ADR-0008): {@code type} "refetchEvaluation"; {@code etag} and {@code lastModified}
     * are metadata a provider echoes as {@code flagConfigEtag} and {@code flagConfigLastModified}.
     *
     * @param lastModified Unix seconds, the form the ADR recommends
     */
    record RefetchEvent(String type, String etag, long lastModified) {
    }

    /** {@code generalErrorResponse}: 500, and the body of our 429 (the document gives 429 none). */
    record GeneralError(String errorDetails) {
    }
}
