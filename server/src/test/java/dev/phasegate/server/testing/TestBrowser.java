package dev.phasegate.server.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven by Selenium.
 * Missing browser: the test is skipped with the reason, unless {@code phasegate.requireBrowser=true} (CI),
 * where it fails. Screenshots go to {@code target/screenshots/}.
 */
public final class TestBrowser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;

    private TestBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Path chromium() {
        return Path.of(System.getProperty("phasegate.chromium", "/usr/bin/chromium"));
    }

    static Path chromedriver() {
        return Path.of(System.getProperty("phasegate.chromedriver", "/usr/bin/chromedriver"));
    }

    static boolean required() {
        return Boolean.parseBoolean(System.getProperty("phasegate.requireBrowser", "false"));
    }

    private static String lookedFor() {
        return "no headless browser: looked for " + chromium() + " and " + chromedriver();
    }

    private static boolean installed() {
        return Files.isExecutable(chromium()) && Files.isExecutable(chromedriver());
    }

    /** Why browser tests cannot run here, or empty if they can (or must: then they fail instead). */
    public static Optional<String> skipReason() {
        if (required() || installed()) {
            return Optional.empty();
        }
        String skip = lookedFor() + " (install them: apt-get install chromium chromium-driver, or set "
                + "-Dphasegate.chromium=... -Dphasegate.chromedriver=...): skipping the browser tests";
        System.err.println("[phasegate tests] " + skip);
        return Optional.of(skip);
    }

    /** Starts a browser window of the given size. */
    public static TestBrowser start(int width, int height) {
        if (!installed()) {
            if (required()) {
                Assertions.fail(lookedFor() + "; phasegate.requireBrowser=true, so this is a failure, not a skip");
            }
            Assumptions.abort(lookedFor() + ": skipping");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--lang=en-US", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort().build();
        return new TestBrowser(new ChromeDriver(service, options));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Resizes the window's viewport area (the outer window is a little larger in headless mode too). */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a PNG of the viewport as target/screenshots/{name}.png and answers its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | RuntimeException e) {
            System.err.println("[phasegate tests] screenshot " + name + " failed: " + e);
            return null;
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

    static {
        // Selenium's own driver download and usage statistics are not wanted: the driver is given, the network is not.
        System.setProperty("SE_AVOID_STATS", "true");
    }

}
