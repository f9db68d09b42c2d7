package dev.phasegate.sdk;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of the text/event-stream format (WHATWG HTML §9.2) the rules stream uses: event, data, id, comments. */
final class SseParser {

    interface Listener {
        void event(String event, String data, String id);
    }

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d{1,18})");

    private final Listener listener;
    private String event;
    private final StringBuilder data = new StringBuilder();
    private String id;

    SseParser(Listener listener) {
        this.listener = listener;
    }

    void line(String line) {
        if (line.isEmpty()) {
            if (!data.isEmpty() || event != null) {
                listener.event(event == null ? "message" : event, data.toString(), id);
            }
            event = null;
            data.setLength(0);
            return;
        }
        if (line.startsWith(":")) {
            return; // comment: heartbeat
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(value);
            }
            case "id" -> id = value;
            default -> {
                // retry and unknown fields are ignored
            }
        }
    }

    /** The version in a rules event: the data's "version", else the event id; -1 if neither. */
    static long versionOf(String data, String id) {
        Matcher m = VERSION.matcher(data == null ? "" : data);
        if (m.find()) {
            return Long.parseLong(m.group(1));
        }
        try {
            return id == null ? -1 : Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
