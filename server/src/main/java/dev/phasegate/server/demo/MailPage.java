package dev.phasegate.server.demo;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The mail catcher's page: every caught message, newest first, as plain HTML written here with every value escaped. */
final class MailPage {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private MailPage() {
    }

    static String render(List<MailCatcher.Caught> messages) {
        StringBuilder h = new StringBuilder(4096 + messages.size() * 600);
        h.append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                <title>Phasegate demo: mail</title>
                <style>
                body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
                table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}
                pre{white-space:pre-wrap;margin:0;font-size:13px}.kind{font-family:monospace;color:#555}
                </style></head><body>
                <h1>Mail caught by the demo</h1>
                <p>Phasegate sent these through its outbox and SMTP to the demo's mail catcher; nothing left this machine.
                Times are UTC; the page reloads every 5 seconds.</p>
                """);
        h.append("<p>").append(messages.size()).append(messages.size() == 1 ? " message" : " messages").append(".</p>\n");
        h.append("<table><thead><tr><th>time</th><th>to</th><th>kind</th><th>subject and text</th></tr></thead><tbody>\n");
        for (MailCatcher.Caught m : messages) {
            h.append("<tr><td>").append(TIME.format(m.at())).append("</td><td>").append(escape(String.join(", ", m.to())))
                    .append("</td><td class=\"kind\">").append(escape(m.kind() == null ? "" : m.kind()))
                    .append("</td><td><strong>").append(escape(m.subject() == null ? "(no subject)" : m.subject()))
                    .append("</strong><pre>").append(escape(m.text())).append("</pre></td></tr>\n");
        }
        h.append("</tbody></table></body></html>\n");
        return h.toString();
    }

    /** Text safe inside an element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
