package dev.phasegate.server.enrollment;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The body of {@code POST .../enrollments}: one user ({@code userId}, {@code email}, {@code attributes})
 * or a batch ({@code users}).
 */
public record EnrollmentRequest(String userId, String email, JsonNode attributes, List<NewUser> users) {

    /** One user to enroll. {@code attributes} is any JSON object the caller wants kept with the enrollment. */
    public record NewUser(String userId, String email, JsonNode attributes) {
    }
}
