package dev.phasegate.server.ofrep;

/**
 * The {@code errorCode} values this server answers with: the OpenAPI document's {@code evaluationFailure}
 * enum ({@code PARSE_ERROR, TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL}) and {@code flagNotFound}'s
 * ({@code FLAG_NOT_FOUND}). The names are the wire values, which is why they are not lower-case api names.
 */
enum OfrepErrorCode {
    /** The body is not an evaluation request at all: empty, not JSON, or not a JSON object. */
    PARSE_ERROR,
    /** The context has no usable {@code targetingKey}; Phasegate cannot evaluate a feature without a user. */
    TARGETING_KEY_MISSING,
    /** The context is there but unusable: not an object, or a targeting key that is not a valid user id. */
    INVALID_CONTEXT,
    /** Anything else: a bug on our side, never the caller's. */
    GENERAL,
    /** No rollout has the flag. Only in a single-flag answer (HTTP 404). */
    FLAG_NOT_FOUND
}
