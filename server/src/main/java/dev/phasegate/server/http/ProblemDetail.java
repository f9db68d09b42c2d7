package dev.phasegate.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.phasegate.core.plan.Problem;

import java.util.List;

/**
 * An RFC 9457 problem document. {@code field} names the first field at fault; {@code problems} lists
 * every one (extension members, allowed by the RFC).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemDetail(String type, String title, int status, String detail, String instance, String field,
                            List<Problem> problems) {
}
