package dev.phasegate.server.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The UI's files from the classpath: ours under {@code ui/}, uPlot from its WebJar. Read once and kept
 * (a few hundred KiB), each with an ETag so browsers revalidate instead of downloading again.
 */
public final class Assets {

    /** A file: its bytes, media type and ETag. */
    public record Asset(byte[] bytes, String contentType, String etag) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Plain relative paths only: no "..", no leading slash, no odd characters. */
    private static final Pattern SAFE = Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "html", "text/html; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json");

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();
    private final String uplotDir;

    public Assets() {
        this.uplotDir = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    }

    /** One of our files, by its path under {@code ui/} (e.g. {@code assets/js/common.js}). */
    public Optional<Asset> ours(String path) {
        return load("ui/", path);
    }

    /** A file of uPlot's {@code dist} folder (e.g. {@code uPlot.iife.min.js}). */
    public Optional<Asset> uplot(String file) {
        return load(uplotDir, file);
    }

    /** The uPlot version the WebJar on the classpath carries. */
    static String uplotVersion() {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "1.6.30");
            }
        } catch (IOException e) {
            // fall through to the version the pom names
        }
        return "1.6.30";
    }

    private Optional<Asset> load(String dir, String path) {
        if (path == null || path.length() > 200 || !SAFE.matcher(path).matches()) {
            return Optional.empty();
        }
        String ext = path.substring(path.lastIndexOf('.') + 1);
        String type = TYPES.get(ext);
        if (type == null) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(dir + path, resource -> {
            try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return Optional.empty();
                }
                byte[] bytes = in.readAllBytes();
                return Optional.of(new Asset(bytes, type, "\"" + sha256(bytes).substring(0, 16) + "\""));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
            }
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
