package dev.phasegate.server.alert;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One condition of a silence on one label: equality, or a Java regular expression that must match the
 * whole value. An alert without the label is matched as if its value were "".
 *
 * @param isRegex null (absent) means false
 */
public record SilenceMatcher(String name, String value, @JsonProperty("isRegex") Boolean isRegex) {

    public boolean regex() {
        return Boolean.TRUE.equals(isRegex);
    }
}
