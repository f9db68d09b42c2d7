package dev.phasegate.server.ofrep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.server.http.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An OFREP request body ({@code evaluationRequest} / {@code bulkEvaluationRequest}: {@code {"context": {...}}})
 * as read: either a context with the user to evaluate for, or the reason it was refused. Refusal is a value,
 * not an exception, because it is an expected answer with its own body format.
 */
sealed interface EvaluationRequest {

    /** A usable request: {@code targetingKey} is the user id; {@code context} is the whole context. */
    record Valid(String targetingKey, ObjectNode context) implements EvaluationRequest {
    }

    /** A refused request, answered 400 with this code and details. */
    record Rejected(OfrepErrorCode errorCode, String details) implements EvaluationRequest {
    }

    /** How to write a request, quoted in every refusal so a person can fix the call. */
    String EXAMPLE = "send {\"context\":{\"targetingKey\":\"<user id>\"}}";

    /**
     * Reads a body. Fields besides {@code context} are ignored, as are context attributes besides
     * {@code targetingKey} (Phasegate evaluates by user only), so newer clients keep working.
     */
    static EvaluationRequest read(byte[] body) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return new Rejected(OfrepErrorCode.PARSE_ERROR, "the request body is empty; " + EXAMPLE);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            return new Rejected(OfrepErrorCode.PARSE_ERROR, "the body is not valid JSON" + where + ": "
                    + Identifiers.printable(firstLine(e.getOriginalMessage())) + "; " + EXAMPLE);
        } catch (IOException e) {
            return new Rejected(OfrepErrorCode.PARSE_ERROR, "the body could not be read; " + EXAMPLE);
        }
        if (root == null || !root.isObject()) {
            return new Rejected(OfrepErrorCode.PARSE_ERROR, "the body must be a JSON object, not "
                    + (root == null ? "nothing" : describe(root)) + "; " + EXAMPLE);
        }
        JsonNode context = root.get("context");
        if (context == null || context.isNull()) {
            return new Rejected(OfrepErrorCode.TARGETING_KEY_MISSING, "the body has no context, so no targetingKey; " + EXAMPLE);
        }
        if (!context.isObject()) {
            return new Rejected(OfrepErrorCode.INVALID_CONTEXT, "context must be an object, not " + describe(context) + "; " + EXAMPLE);
        }
        JsonNode key = context.get("targetingKey");
        if (key == null || key.isNull() || (key.isTextual() && key.textValue().isEmpty())) {
            return new Rejected(OfrepErrorCode.TARGETING_KEY_MISSING,
                    "context.targetingKey is required: Phasegate evaluates features for a user, and it is the user id");
        }
        if (!key.isTextual()) {
            return new Rejected(OfrepErrorCode.INVALID_CONTEXT, "context.targetingKey must be a string (the user id), not " + describe(key));
        }
        String userId = key.textValue();
        // The same rule as enrollment, so a key evaluated here is one that could have been enrolled.
        var problem = Identifiers.userIdProblem(userId);
        if (problem.isPresent()) {
            return new Rejected(OfrepErrorCode.INVALID_CONTEXT, "context.targetingKey " + problem.get());
        }
        return new Valid(userId, (ObjectNode) context);
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case OBJECT, POJO -> "an object";
            default -> "nothing";
        };
    }

    private static String firstLine(String message) {
        return message == null ? "cannot be read" : message.split("\\R", 2)[0];
    }
}
