package dev.phasegate.server.user;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sign-in, cookies, CSRF and roles over real HTTP; the pages' security headers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionRoutesTest {

    static final String PASSWORD = "operator password 1";
    private TestStore store;
    private TestServer server;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        Users users = server.node().sessions().users();
        users.add("olga", Role.OPERATOR, PASSWORD, Actor.SYSTEM);
        users.add("vic", Role.VIEWER, PASSWORD, Actor.SYSTEM);
        assertThat(server.putJson("/api/v1/rollouts/ui-http", TestStore.ADMIN_TOKEN, Plans.plan("ui-http", 5, 10)).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    /** A session: the cookie header value and the CSRF token. */
    record Session(String cookie, String csrf) {
    }

    private TestServer.Response login(String name, String password, String... headers) {
        HttpRequest.Builder b = server.request("/ui/login", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("name", name, "password", password))));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return server.send(b.build());
    }

    private Session signIn(String name) {
        TestServer.Response r = login(name, PASSWORD);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        String cookie = r.header("Set-Cookie").split(";")[0];
        return new Session(cookie, r.json().get("csrfToken").asText());
    }

    private TestServer.Response post(String path, Session s, String csrf, String body) {
        HttpRequest.Builder b = server.request(path, null).header("Cookie", s.cookie()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return server.send(b.build());
    }

    private TestServer.Response get(String path, Session s) {
        return server.send(server.request(path, null).header("Cookie", s.cookie()).GET().build());
    }

    @Test
    void sign_in_sets_an_http_only_same_site_strict_cookie_secure_behind_https() {
        TestServer.Response r = login("olga", PASSWORD);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Set-Cookie")).startsWith("phasegate_session=").contains("HttpOnly", "SameSite=Strict", "Path=/")
                .doesNotContain("Secure");
        assertThat(r.json().get("role").asText()).isEqualTo("operator");
        assertThat(r.json().get("csrfToken").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(login("olga", PASSWORD, "X-Forwarded-Proto", "https").header("Set-Cookie")).contains("; Secure");
    }

    @Test
    void a_wrong_password_and_an_unknown_name_get_the_same_answer() {
        TestServer.Response wrong = login("olga", "not the password");
        TestServer.Response unknown = login("nobody", PASSWORD);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.json().get("detail").asText()).isEqualTo(unknown.json().get("detail").asText())
                .isEqualTo("the name or the password is wrong");
        assertThat(wrong.header("Set-Cookie")).isNull();
    }

    @Test
    void sign_in_from_another_sites_page_is_refused() {
        TestServer.Response r = login("olga", PASSWORD, "Origin", "https://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Set-Cookie")).isNull();
    }

    @Test
    void a_form_sign_in_redirects_to_the_local_page_asked_for_and_never_elsewhere() {
        HttpRequest form = server.request("/ui/login", null).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=olga&password=" + PASSWORD.replace(" ", "+") + "&next=%2Falerts")).build();
        TestServer.Response ok = server.send(form);
        assertThat(ok.status()).isEqualTo(303);
        assertThat(ok.header("Location")).isEqualTo("/alerts");
        assertThat(ok.header("Set-Cookie")).startsWith("phasegate_session=");
        HttpRequest away = server.request("/ui/login", null).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=olga&password=" + PASSWORD.replace(" ", "+") + "&next=%2F%2Fevil.example")).build();
        assertThat(server.send(away).header("Location")).isEqualTo("/");
        HttpRequest bad = server.request("/ui/login", null).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=olga&password=nope")).build();
        assertThat(server.send(bad).header("Location")).isEqualTo("/login?failed=1");
    }

    @Test
    void the_session_cookie_reads_the_api_and_changes_need_the_csrf_token() {
        Session olga = signIn("olga");
        assertThat(get("/api/v1/rollouts/ui-http", olga).status()).isEqualTo(200);

        TestServer.Response missing = post("/api/v1/rollouts/ui-http/pause", olga, null, "{}");
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("detail").asText()).contains("X-CSRF-Token");
        assertThat(post("/api/v1/rollouts/ui-http/pause", olga, "forged", "{}").status()).isEqualTo(403);
        assertThat(server.get("/api/v1/rollouts/ui-http", TestStore.ADMIN_TOKEN).json().get("state").asText()).isEqualTo("active");

        TestServer.Response paused = post("/api/v1/rollouts/ui-http/pause", olga, olga.csrf(), "{\"reason\":\"from the ui\"}");
        assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
        assertThat(post("/api/v1/rollouts/ui-http/resume", olga, olga.csrf(), "{}").status()).isEqualTo(200);
        JsonNode audit = server.get("/api/v1/audit?rollout=ui-http", TestStore.ADMIN_TOKEN).json();
        assertThat(audit.get("items").findValuesAsText("actor")).contains("user:olga");
    }

    @Test
    void a_viewer_reads_but_may_not_change_even_with_the_csrf_token() {
        Session vic = signIn("vic");
        assertThat(get("/api/v1/rollouts", vic).status()).isEqualTo(200);
        TestServer.Response refused = post("/api/v1/rollouts/ui-http/advance", vic, vic.csrf(), "{}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).contains("user vic (viewer)", "operate");
        assertThat(get("/api/v1/tokens", vic).status()).isEqualTo(403);
        assertThat(get("/ui/session", vic).json().get("permissions").toString()).isEqualTo("[\"read\"]");
    }

    @Test
    void sign_out_ends_the_session_at_once() {
        Session olga = signIn("olga");
        assertThat(post("/ui/logout", olga, null, "").status()).isEqualTo(403); // a change: CSRF needed
        TestServer.Response out = post("/ui/logout", olga, olga.csrf(), "");
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(get("/api/v1/rollouts", olga).status()).isEqualTo(401);
        assertThat(get("/", olga).status()).isEqualTo(303);
    }

    @Test
    void pages_need_a_session_and_carry_a_csp_without_inline_script() {
        TestServer.Response anonymous = server.get("/rollouts/ui-http", null);
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(anonymous.header("Location")).isEqualTo("/login?next=%2Frollouts%2Fui-http");
        Session vic = signIn("vic");
        for (String page : new String[]{"/", "/rollouts/ui-http", "/performance", "/alerts", "/incidents", "/incidents/1", "/activity"}) {
            TestServer.Response r = get(page, vic);
            assertThat(r.status()).as(page).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/html");
            assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.raw()).doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>"); // no inline script
        }
        TestServer.Response login = server.get("/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }

    @Test
    void assets_and_uplot_are_served_locally_and_paths_cannot_escape() {
        TestServer.Response uplot = server.get("/ui/assets/uplot/uPlot.iife.min.js", null);
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.contentType()).startsWith("text/javascript");
        assertThat(uplot.raw()).contains("uPlot");
        TestServer.Response css = server.get("/ui/assets/css/app.css", null);
        assertThat(css.status()).isEqualTo(200);
        TestServer.Response again = server.send(server.request("/ui/assets/css/app.css", null).header("If-None-Match", css.header("ETag")).GET().build());
        assertThat(again.status()).isEqualTo(304);
        assertThat(server.get("/ui/assets/..%2F..%2Flogback.xml", null).status()).isEqualTo(404);
        assertThat(server.get("/ui/assets/report/report.js", null).status()).isEqualTo(404);
        assertThat(server.get("/ui/assets/uplot/..%2Fpackage.json", null).status()).isEqualTo(404);
    }

    @Test
    void neither_the_password_nor_the_session_id_is_ever_logged() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            Session olga = signIn("olga");
            login("olga", "a wrong guess 12345");
            post("/api/v1/rollouts/ui-http/pause", olga, null, "{}");
            post("/ui/logout", olga, olga.csrf(), "");
            String id = olga.cookie().substring(olga.cookie().indexOf('=') + 1);
            assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                    .doesNotContain(PASSWORD, "a wrong guess 12345", id, olga.csrf()));
        } finally {
            root.setLevel(level);
            root.detachAppender(appender);
        }
    }
}
