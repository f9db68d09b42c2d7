package dev.phasegate.core.plan;

/**
 * One thing wrong with an input, named so a person can fix it.
 *
 * @param field   where, as a path into the input ({@code phases[2].capacity}); empty for the whole input
 * @param message what is wrong and, where it helps, what would be right
 */
public record Problem(String field, String message) {
    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
