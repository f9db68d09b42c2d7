package dev.phasegate.server.ui;

import dev.phasegate.server.http.Json;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rollout's snapshot as ONE self-contained HTML file: the UI's stylesheet, uPlot and the report script
 * inline, the data as a JSON block. It opens from a disk or a mail attachment with no server and no
 * network. Being a file, not a page the server serves, it needs inline script (no CSP applies to it); the
 * data still only reaches the page through textContent, and the JSON block is escaped so no value can close
 * its script element.
 *
 * <pre>{@code
 * String html = SnapshotReport.render(Map.of("rollout", rolloutJson, "generatedAt", now), new Assets());
 * }</pre>
 */
public final class SnapshotReport {

    private static final Pattern SLOT = Pattern.compile("\\{\\{([A-Z_]+)}}");

    private SnapshotReport() {
    }

    /** @param data the report's data: {@code rollout}, {@code readiness}, {@code metrics}, {@code guards}, ... */
    public static String render(Map<String, Object> data, Assets assets) {
        String template = text(assets.ours("report/report.html"), "report/report.html");
        String key = Json.MAPPER.valueToTree(data.get("rollout")).path("key").asText("");
        String title = "Phasegate report" + (key.isEmpty() ? "" : ": " + key);
        Map<String, String> slots = Map.of(
                "TITLE", escapeHtml(title),
                "APP_CSS", inlineText(text(assets.ours("assets/css/app.css"), "app.css"), "style"),
                "UPLOT_CSS", inlineText(text(assets.uplot("uPlot.min.css"), "uPlot.min.css"), "style"),
                "UPLOT_JS", inlineText(text(assets.uplot("uPlot.iife.min.js"), "uPlot.iife.min.js"), "script"),
                "REPORT_JS", inlineText(text(assets.ours("report/report.js"), "report.js"), "script"),
                "DATA", jsonBlock(data));
        // One pass over the template: an inserted file that happens to contain "{{...}}" is left alone.
        Matcher m = SLOT.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 300_000);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(slots.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * JSON safe inside a script element: every '<', '>' and '&' becomes its \\u escape, which JSON reads back
     * as the same character, so no string can end the element or open a comment.
     */
    static String jsonBlock(Object data) {
        return Json.write(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /** A script or stylesheet inline: its text must not close the element early. */
    static String inlineText(String text, String element) {
        return Pattern.compile("</(" + element + ")", Pattern.CASE_INSENSITIVE).matcher(text).replaceAll("<\\\\/$1");
    }

    static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String text(java.util.Optional<Assets.Asset> asset, String name) {
        return asset.orElseThrow(() -> new IllegalStateException(name + " is missing from the classpath")).text();
    }
}
