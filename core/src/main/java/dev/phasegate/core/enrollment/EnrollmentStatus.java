package dev.phasegate.core.enrollment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A beta user's standing in a rollout. */
public enum EnrollmentStatus {
    ENROLLED, WAITLISTED, LEFT;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EnrollmentStatus> byApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }
}
