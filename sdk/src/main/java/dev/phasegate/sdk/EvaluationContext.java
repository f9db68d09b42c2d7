package dev.phasegate.sdk;

import java.util.Map;

/**
 * Who is asking: the user's id (the targeting key) and optional attributes, kept for rules that will
 * use them; today's rules look at the id only.
 */
public record EvaluationContext(String userId, Map<String, String> attributes) {

    public EvaluationContext {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static EvaluationContext of(String userId) {
        return new EvaluationContext(userId, Map.of());
    }
}
