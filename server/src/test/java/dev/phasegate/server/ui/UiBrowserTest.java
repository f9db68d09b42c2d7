package dev.phasegate.server.ui;

import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.testing.BrowserCondition;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestBrowser;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import dev.phasegate.server.user.Role;
import dev.phasegate.server.user.Users;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web UI in a real headless Chromium against a real server: sign-in and sign-out, live updates without
 * reload, an emergency rollback, hostile data shown as text, a viewer without controls, CSRF. A screenshot
 * of every test's last screen goes to target/screenshots/.
 */
@ExtendWith(BrowserCondition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserTest {

    static final String PASSWORD = "a long enough password";
    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    private TestStore store;
    private TestServer server;
    private TestBrowser browser;
    private WebDriver driver;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        Users users = server.node().sessions().users();
        users.add("olga", Role.OPERATOR, PASSWORD, Actor.SYSTEM);
        users.add("vic", Role.VIEWER, PASSWORD, Actor.SYSTEM);
        browser = TestBrowser.start(1280, 900);
        driver = browser.driver();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void fresh() {
        browser.resize(1280, 900);
        driver.get(server.base() + "/login");
        driver.manage().deleteAllCookies();
    }

    @AfterEach
    void screenshot(TestInfo info) {
        browser.screenshot(info.getTestMethod().map(m -> m.getName()).orElse("test"));
    }

    /** A rollout without guards: a busy test machine's CPU must not pause it behind the test's back. */
    private void rollout(String key, int... capacities) {
        Map<String, Object> plan = new java.util.LinkedHashMap<>(Plans.plan(key, capacities));
        plan.put("guards", List.of());
        assertThat(server.putJson("/api/v1/rollouts/" + key, TestStore.ADMIN_TOKEN, plan).status()).isEqualTo(201);
    }

    /** A rollout with the reference guards, whose thresholds the charts draw. */
    private void guardedRollout(String key, int... capacities) {
        assertThat(server.putJson("/api/v1/rollouts/" + key, TestStore.ADMIN_TOKEN, Plans.plan(key, capacities)).status()).isEqualTo(201);
    }

    private void enroll(String key, String... users) {
        List<Map<String, String>> list = java.util.Arrays.stream(users).map(u -> Map.of("userId", u)).toList();
        TestServer.Response r = server.postJson("/api/v1/rollouts/" + key + "/enrollments", TestStore.ADMIN_TOKEN, Map.of("users", list));
        assertThat(r.status()).as(r.raw()).isIn(200, 201);
    }

    private WebDriverWait waiting() {
        // Pages re-render what the live stream says changed: an element read a moment ago may have been
        // replaced, so a wait looks again instead of failing on a stale reference.
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks the element found now; when a live re-render replaced it before the click landed, finds it again. */
    private void click(By by) {
        waiting().until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private void signIn(String name, String next) {
        driver.get(server.base() + next);
        waiting().until(ExpectedConditions.urlContains("/login"));
        driver.findElement(By.id("name")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        click(By.id("sign-in"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), name));
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private boolean noHorizontalScroll() {
        Object fits = ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth;");
        return Boolean.TRUE.equals(fits);
    }

    @Test
    void signs_in_shows_the_rollouts_at_desktop_and_phone_width_and_signs_out() {
        rollout("ui-list", 5, 15);
        enroll("ui-list", "ann", "bob");
        signIn("olga", "/");
        WebElement card = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article[data-key='ui-list']")));
        waiting().until(d -> card.findElement(By.className("enrolled")).getText().equals("2 / 5 enrolled"));
        assertThat(card.getText()).contains("Phase 1 of 2", "0 waiting");
        assertThat(noHorizontalScroll()).as("no horizontal scroll at 1280 px").isTrue();
        browser.screenshot("rollouts-1280");

        browser.resize(390, 844);
        waiting().until(d -> noHorizontalScroll());
        assertThat(noHorizontalScroll()).as("no horizontal scroll at 390 px").isTrue();
        browser.screenshot("rollouts-390");
        driver.get(server.base() + "/rollouts/ui-list");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("enrolled")));
        waiting().until(d -> noHorizontalScroll());
        browser.screenshot("rollout-390");

        browser.resize(1280, 900);
        click(By.id("logout"));
        waiting().until(ExpectedConditions.urlContains("/login"));
        driver.get(server.base() + "/");
        waiting().until(ExpectedConditions.urlContains("/login?next="));
    }

    @Test
    void a_wrong_password_is_told_without_saying_which_part_was_wrong() {
        driver.get(server.base() + "/login");
        driver.findElement(By.id("name")).sendKeys("olga");
        driver.findElement(By.id("password")).sendKeys("not it at all");
        click(By.id("sign-in"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("failed"), "The name or the password is wrong."));
        assertThat(driver.manage().getCookieNamed("phasegate_session")).isNull();
    }

    @Test
    void a_telemetry_event_changes_a_number_on_the_open_page_without_reload() {
        rollout("ui-live", 5);
        enroll("ui-live", "ann");
        server.awaitEnrolled("ui-live", List.of("ann"));
        signIn("olga", "/rollouts/ui-live");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("beta-requests"), "0"));
        waiting().until(d -> driver.findElement(By.id("live")).getAttribute("class").contains("on"));
        ((JavascriptExecutor) driver).executeScript("window.stillTheSamePage = 'yes';");

        String now = Instant.now().toString();
        String events = "[" + String.join(",", java.util.Collections.nCopies(3,
                "{\"type\":\"request\",\"timestamp\":\"" + now + "\",\"userId\":\"ann\",\"rollout\":\"ui-live\",\"latencyMs\":42,\"outcome\":\"ok\"}")) + "]";
        TestServer.Response sent = server.post("/api/v1/events", server.token("ingest"), events);
        assertThat(sent.status()).as(sent.raw()).isEqualTo(202);

        waiting().until(ExpectedConditions.textToBe(By.id("beta-requests"), "3"));
        assertThat(((JavascriptExecutor) driver).executeScript("return window.stillTheSamePage;")).isEqualTo("yes");
    }

    @Test
    void an_operator_rolls_back_from_the_ui_with_a_reason_and_a_confirmation() {
        rollout("ui-rollback", 5, 10);
        enroll("ui-rollback", "ann");
        signIn("olga", "/rollouts/ui-rollback");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "active"));

        click(By.id("rollback"));
        waiting().until(d -> text("notice").contains("needs a reason")); // nothing happens without one
        assertThat(driver.findElement(By.id("rollback-dialog")).isDisplayed()).isFalse();

        driver.findElement(By.id("rollback-reason")).sendKeys("orders failing for beta users");
        click(By.id("rollback"));
        WebElement dialog = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("rollback-dialog")));
        assertThat(dialog.getText()).contains("ui-rollback", "orders failing for beta users");
        browser.screenshot("rollback-confirmation");
        click(By.id("confirm-rollback"));

        waiting().until(d -> text("state").matches("rolling back|rolled back"));
        String state = server.get("/api/v1/rollouts/ui-rollback", TestStore.ADMIN_TOKEN).json().get("state").asText();
        assertThat(state).isIn("rolling_back", "rolled_back");
        var runs = server.get("/api/v1/rollouts/ui-rollback/rollbacks", TestStore.ADMIN_TOKEN).json().get("items");
        assertThat(runs.get(0).get("reason").asText()).isEqualTo("orders failing for beta users");
        assertThat(runs.get(0).get("actor").asText()).isEqualTo("user:olga");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("rollbacks"), "orders failing for beta users"));
    }

    @Test
    void a_hostile_user_id_is_shown_as_text_and_never_runs() {
        rollout("ui-xss", 5);
        enroll("ui-xss", HOSTILE);
        signIn("olga", "/rollouts/ui-xss");
        WebElement shown = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#enrolled .user-id")));
        assertThat(shown.getText()).isEqualTo(HOSTILE);
        assertThat(driver.findElements(By.cssSelector("#page img"))).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void a_viewer_sees_no_controls_and_the_server_refuses_a_forged_change() {
        rollout("ui-viewer", 5, 10);
        signIn("vic", "/rollouts/ui-viewer");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "active"));
        assertThat(driver.findElements(By.id("controls"))).isEmpty();
        assertThat(driver.findElements(By.id("rollback"))).isEmpty();
        waiting().until(d -> d.findElements(By.tagName("button")).stream().map(WebElement::getText).toList()
                .equals(java.util.List.of("Sign out")));

        // The viewer's own cookie and CSRF token, posted by hand from the page: refused by the server.
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/ui/session').then(r => r.json()).then(me => fetch('/api/v1/rollouts/ui-viewer/advance', {method: 'POST',
                  headers: {'X-CSRF-Token': me.csrfToken, 'Content-Type': 'application/json'}, body: '{}'}))
                  .then(r => done(r.status)).catch(e => done(String(e)));""");
        assertThat(status).isEqualTo(403L);
        assertThat(server.get("/api/v1/rollouts/ui-viewer", TestStore.ADMIN_TOKEN).json().get("currentPhase").asInt()).isEqualTo(1);
    }

    @Test
    void a_change_with_the_session_cookie_but_no_csrf_token_is_refused() {
        rollout("ui-csrf", 5, 10);
        signIn("olga", "/rollouts/ui-csrf");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "active"));
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/rollouts/ui-csrf/pause', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})
                  .then(r => done(r.status)).catch(e => done(String(e)));""");
        assertThat(status).isEqualTo(403L);
        assertThat(server.get("/api/v1/rollouts/ui-csrf", TestStore.ADMIN_TOKEN).json().get("state").asText()).isEqualTo("active");

        // The page's own Pause button sends the token and works.
        click(By.id("pause"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "paused"));
    }

    @Test
    void the_other_pages_render_for_an_operator() {
        guardedRollout("ui-pages", 5);
        signIn("olga", "/performance?rollout=ui-pages");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#latency .uplot")));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#cpu .uplot")));
        browser.screenshot("performance");
        driver.get(server.base() + "/alerts");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("firing"), "nothing firing"));
        browser.screenshot("alerts");
        rollout("ui-incident", 5); // no guards: no alert opens an incident the person's report would join
        TestServer.Response opened = server.postJson("/api/v1/incidents", TestStore.ADMIN_TOKEN,
                Map.of("rollout", "ui-incident", "title", "Checkout errors " + HOSTILE, "severity", "sev3"));
        assertThat(opened.status()).isEqualTo(201);
        long id = opened.json().get("id").asLong();
        driver.get(server.base() + "/incidents");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("incidents"), "Checkout errors " + HOSTILE));
        driver.get(server.base() + "/incidents/" + id);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-state"), "open"));
        driver.findElement(By.id("comment")).sendKeys("looking at the order service");
        click(By.id("add-comment"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "looking at the order service"));
        click(By.id("ack"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-state"), "acknowledged"));
        browser.screenshot("incident");
        driver.get(server.base() + "/activity?rollout=ui-pages");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("phases"), "Phase 1"));
        browser.screenshot("activity");
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void the_report_file_opens_in_a_browser_without_the_server() throws java.io.IOException {
        guardedRollout("ui-report", 5, 10);
        enroll("ui-report", "ann");
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("generatedAt", Instant.now().toString());
        data.put("rollout", server.get("/api/v1/rollouts/ui-report", TestStore.ADMIN_TOKEN).json());
        data.put("metrics", server.get("/api/v1/rollouts/ui-report/metrics", TestStore.ADMIN_TOKEN).json());
        data.put("guards", server.get("/api/v1/rollouts/ui-report/guards", TestStore.ADMIN_TOKEN).json());
        data.put("readiness", server.get("/api/v1/rollouts/ui-report/readiness", TestStore.ADMIN_TOKEN).json());
        java.nio.file.Path file = TestBrowser.SCREENSHOTS.resolve("report.html").toAbsolutePath();
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, SnapshotReport.render(data, new Assets()));
        driver.get(file.toUri().toString());
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "ui-report — rollout report"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".uplot")));
        waiting().until(d -> {
            String main = d.findElement(By.tagName("main")).getText();
            return main.contains("1 / 5 enrolled") && main.contains("Readiness") && main.contains("error-rate");
        });
    }
}
