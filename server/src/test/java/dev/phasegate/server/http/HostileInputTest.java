package dev.phasegate.server.http;

import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases FuzzTest found or that need exact answers, pinned; and the security headers on every kind of answer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private TestStore store;
    private TestServer server;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    /** Sends raw bytes and returns the whole answer (status line, headers, body). */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.node().port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void a_ui_page_with_a_very_long_path_redirects_to_sign_in_instead_of_failing() {
        TestServer.Response r = server.get("/incidents/" + "k".repeat(6000), null);
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/login");
        assertThat(server.get("/incidents/7", null).header("Location")).isEqualTo("/login?next=%2Fincidents%2F7");
    }

    @Test
    void a_nul_in_the_path_is_a_problem_document_not_an_html_page() throws IOException {
        String answer = raw("GET /api/v1/rollouts/a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
        assertThat(answer).contains("\"status\":400").doesNotContain("<h1>");
    }

    @Test
    void headers_over_the_limit_are_a_431_problem_document() throws IOException {
        String answer = raw("GET /api/v1/rollouts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: " + "h".repeat(70_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431");
        assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
        assertThat(answer).contains("headers are larger than this server accepts");
    }

    @Test
    void a_content_length_beyond_the_limit_is_refused_before_reading() throws IOException {
        String answer = raw("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestStore.ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n[]");
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
    }

    @Test
    void api_answers_carry_the_security_headers_errors_included() {
        for (TestServer.Response r : new TestServer.Response[]{server.get("/api/v1/rollouts", TestStore.ADMIN_TOKEN),
                server.get("/api/v1/rollouts", null), server.get("/api/v1/nowhere", TestStore.ADMIN_TOKEN), server.get("/healthz", null)}) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        }
    }

    @Test
    void html_pages_have_a_policy_without_inline_script_that_forbids_framing() {
        for (String path : new String[]{"/login", "/api/docs"}) {
            TestServer.Response r = server.get(path, null);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/html");
            String csp = r.header("Content-Security-Policy");
            // Swagger UI sets inline styles (style-src allows them there); scripts come from this origin only.
            assertThat(java.util.Arrays.stream(csp.split(";")).map(String::strip).toList()).as(path)
                    .contains("script-src 'self'", "frame-ancestors 'none'");
            assertThat(csp).doesNotContain("unsafe-eval");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
    }
}
