package dev.phasegate.server.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jetty's own answers (a request line or headers it cannot parse, a path with {@code %00}, headers over its
 * size limit) as problem documents, like every other error: they are refused before any route runs, so
 * {@link ProblemResponses} never sees them, and Jetty's default is an HTML page.
 */
final class JettyProblems extends ErrorHandler {

    JettyProblems() {
        setShowStacks(false);
        setShowServlet(false);
        setShowMessageInTitle(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ProblemResponses.CONTENT_TYPE);
        fields.put(new HttpField("X-Content-Type-Options", "nosniff"));
        return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType(ProblemResponses.CONTENT_TYPE);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write(body(code, message).getBytes(StandardCharsets.UTF_8));
    }

    private static String body(int status, String reason) {
        String detail = switch (status) {
            case 400 -> "the request could not be parsed (request line, path or headers): "
                    + (reason == null ? "bad request" : reason.toLowerCase());
            case 414 -> "the request's path and query are longer than this server accepts";
            case 431 -> "the request's headers are larger than this server accepts (8 KiB)";
            default -> reason == null ? HttpStatus.getMessage(status) : reason;
        };
        String slug = switch (status) {
            case 400 -> "malformed";
            case 413 -> "too-large";
            default -> "http-" + status;
        };
        return Json.write(new ProblemDetail("https://phasegate.dev/problems/" + slug, HttpStatus.getMessage(status), status,
                detail, null, null, List.of()));
    }
}
