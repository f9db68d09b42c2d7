package dev.phasegate.server.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch of events with Jackson's streaming parser, checking each event on its own: a bad event is
 * a {@link Rejection} naming its index and field, and the others go on. Only a body that is not JSON at all
 * (or over the limits) fails the whole batch. Strict like the rest of the API: unknown fields, duplicate
 * fields, and fields of another event type are rejections.
 */
final class EventParser {

    /** The limits per batch. */
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_USER_ID = Identifiers.MAX_ID_LENGTH;
    static final int MAX_ROUTE = 200;
    static final int MAX_COMMENT = 2_000;

    /**
     * NaN and Infinity are read as numbers (not JSON, but what a careless client writes) so that they are
     * rejected as that event's bad value, naming the field, instead of failing the whole batch.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(100)
                    .maxStringLength(MAX_BYTES).build())
            .build();

    // Field bits, for duplicates and for which fields each type allows.
    private static final int TYPE = 1, TIMESTAMP = 1 << 1, USER_ID = 1 << 2, ROLLOUT = 1 << 3, FEATURE = 1 << 4,
            LATENCY = 1 << 5, OUTCOME = 1 << 6, ROUTE = 1 << 7, DURATION = 1 << 8, START = 1 << 9, END = 1 << 10,
            RATING = 1 << 11, COMMENT = 1 << 12, NAME = 1 << 13, VALUE = 1 << 14;
    private static final int COMMON = TYPE | TIMESTAMP | USER_ID | ROLLOUT | FEATURE;
    static final String KNOWN_FIELDS = "type, timestamp, userId, rollout, feature, latencyMs, outcome, route, durationMs, "
            + "start, end, rating, comment, name, value";

    /** The events read (null where rejected) and the rejections, by index. */
    record Batch(Event[] events, List<Rejection> rejections) {
    }

    private final long nowMillis;
    private final long maxFutureMillis;
    private final long maxAgeMillis;

    EventParser(long nowMillis, long maxFutureMillis, long maxAgeMillis) {
        this.nowMillis = nowMillis;
        this.maxFutureMillis = maxFutureMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** A JSON array of events. Throws Malformed (400) for a body that is not one, TooLarge (413) over the count. */
    Batch parseArray(byte[] body, int length) {
        List<Event> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw malformed("the body must be a JSON array of events (or NDJSON, one event per line, with Content-Type "
                        + "application/x-ndjson)", p);
            }
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw malformed("the array of events is not closed", p);
                }
                if (index >= MAX_EVENTS) {
                    throw tooMany();
                }
                Event e = readEvent(p, t, index, rejections);
                events.add(e);
                index++;
            }
            if (p.nextToken() != null) {
                throw malformed("there is content after the array of events", p);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new PhasegateException.Malformed("the body could not be read: " + e.getMessage(), List.of(new Problem("", "cannot be read")));
        }
        return new Batch(events.toArray(new Event[0]), rejections);
    }

    /**
     * NDJSON: one event per non-blank line. Lines are independent documents, so a line that is not JSON is
     * rejected as that event (field empty), like any other bad event, and the other lines are kept.
     */
    Batch parseNdjson(byte[] body, int length) {
        List<Event> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        int index = 0;
        int lineStart = 0;
        while (lineStart < length) {
            int lineEnd = lineStart;
            while (lineEnd < length && body[lineEnd] != '\n') {
                lineEnd++;
            }
            if (!blank(body, lineStart, lineEnd)) {
                if (index >= MAX_EVENTS) {
                    throw tooMany();
                }
                events.add(readLine(body, lineStart, lineEnd, index, rejections));
                index++;
            }
            lineStart = lineEnd + 1;
        }
        return new Batch(events.toArray(new Event[0]), rejections);
    }

    private Event readLine(byte[] body, int from, int to, int index, List<Rejection> rejections) {
        int before = rejections.size();
        try (JsonParser p = FACTORY.createParser(body, from, to - from)) {
            Event e = readEvent(p, p.nextToken(), index, rejections);
            if (p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "more than one JSON value on the line");
            }
            return e;
        } catch (JsonProcessingException e) {
            while (rejections.size() > before) {
                rejections.remove(rejections.size() - 1);
            }
            rejections.add(new Rejection(index, "", "line " + (index + 1) + " is not one JSON object: " + firstLine(e.getOriginalMessage())));
            return null;
        } catch (IOException e) {
            rejections.add(new Rejection(index, "", "cannot be read"));
            return null;
        }
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Reads one array element; returns the event, or null after adding its rejection. */
    private Event readEvent(JsonParser p, JsonToken first, int index, List<Rejection> rejections) throws IOException {
        if (first != JsonToken.START_OBJECT) {
            if (first == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "expected a JSON object");
            }
            p.skipChildren();
            rejections.add(new Rejection(index, "", "must be a JSON object, was " + describe(first)));
            return null;
        }
        Fields f = new Fields();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (f.problemField != null) {
                p.skipChildren(); // the event is already rejected; only read past the rest
                continue;
            }
            readField(p, name, v, f);
            if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "the event object is not closed");
        }
        if (f.problemField == null) {
            check(f);
        }
        if (f.problemField != null) {
            rejections.add(new Rejection(index, f.problemField, f.problem));
            return null;
        }
        return new Event(f.type, f.timestamp, f.userId, f.rollout, f.feature, f.amount, f.error, f.rating, f.comment, f.name);
    }

    /** An event's fields as read; the first problem stops further checks. */
    private static final class Fields {
        int seen;
        EventType type;
        long timestamp;
        String userId;
        String rollout;
        String feature;
        double amount;
        double latency = Double.NaN;
        double duration = Double.NaN;
        boolean error;
        boolean outcomeSet;
        long start;
        long end;
        int rating;
        String comment;
        String name;
        double value;
        String problemField;
        String problem;

        void reject(String field, String detail) {
            if (problemField == null) {
                problemField = field;
                problem = detail;
            }
        }

        /** Marks a field seen; false (and a rejection) if it was seen before. */
        boolean first(int bit, String field) {
            if ((seen & bit) != 0) {
                reject(field, "appears more than once");
                return false;
            }
            seen |= bit;
            return true;
        }
    }

    private void readField(JsonParser p, String name, JsonToken v, Fields f) throws IOException {
        switch (name) {
            case "type" -> {
                if (f.first(TYPE, name)) {
                    String s = string(p, v, f, name);
                    if (s != null) {
                        f.type = EventType.byWireName(s);
                        if (f.type == null) {
                            f.reject(name, "must be one of request, session, feature_used, feedback, metric; was '" + Identifiers.printable(s) + "'");
                        }
                    }
                }
            }
            case "timestamp" -> {
                if (f.first(TIMESTAMP, name)) {
                    f.timestamp = timestamp(p, v, f, name);
                }
            }
            case "userId" -> {
                if (f.first(USER_ID, name)) {
                    String s = string(p, v, f, name);
                    if (s != null) {
                        Identifiers.userIdProblem(s).ifPresent(problem -> f.reject(name, problem));
                        f.userId = s;
                    }
                }
            }
            case "rollout" -> {
                if (f.first(ROLLOUT, name)) {
                    f.rollout = key(p, v, f, name);
                }
            }
            case "feature" -> {
                if (f.first(FEATURE, name)) {
                    f.feature = key(p, v, f, name);
                }
            }
            case "latencyMs" -> {
                if (f.first(LATENCY, name)) {
                    f.latency = nonNegative(p, v, f, name);
                }
            }
            case "outcome" -> {
                if (f.first(OUTCOME, name)) {
                    String s = string(p, v, f, name);
                    if ("ok".equals(s)) {
                        f.outcomeSet = true;
                    } else if ("error".equals(s)) {
                        f.outcomeSet = true;
                        f.error = true;
                    } else if (s != null) {
                        f.reject(name, "must be 'ok' or 'error', was '" + Identifiers.printable(s) + "'");
                    }
                }
            }
            case "route" -> {
                if (f.first(ROUTE, name)) {
                    String s = string(p, v, f, name);
                    if (s != null && s.length() > MAX_ROUTE) {
                        f.reject(name, "is " + s.length() + " characters long; at most " + MAX_ROUTE + " are allowed");
                    }
                }
            }
            case "durationMs" -> {
                if (f.first(DURATION, name)) {
                    f.duration = nonNegative(p, v, f, name);
                }
            }
            case "start" -> {
                if (f.first(START, name)) {
                    f.start = timestamp(p, v, f, name);
                }
            }
            case "end" -> {
                if (f.first(END, name)) {
                    f.end = timestamp(p, v, f, name);
                }
            }
            case "rating" -> {
                if (f.first(RATING, name)) {
                    if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            && p.getIntValue() >= 1 && p.getIntValue() <= 5) {
                        f.rating = p.getIntValue();
                    } else {
                        f.reject(name, "must be a whole number from 1 to 5, was " + shown(p, v));
                    }
                }
            }
            case "comment" -> {
                if (f.first(COMMENT, name)) {
                    String s = string(p, v, f, name);
                    if (s != null) {
                        if (s.length() > MAX_COMMENT) {
                            f.reject(name, "is " + s.length() + " characters long; at most " + MAX_COMMENT + " are allowed");
                        } else if (s.indexOf('\u0000') >= 0) {
                            f.reject(name, "contains a NUL character, which is not allowed");
                        }
                        f.comment = s;
                    }
                }
            }
            case "name" -> {
                if (f.first(NAME, name)) {
                    f.name = key(p, v, f, name);
                }
            }
            case "value" -> {
                if (f.first(VALUE, name)) {
                    if (number(v)) {
                        double d = p.getDoubleValue();
                        if (Double.isFinite(d)) {
                            f.value = d;
                        } else {
                            f.reject(name, "must be a finite number, was " + d);
                        }
                    } else {
                        f.reject(name, "must be a finite number, was " + shown(p, v));
                    }
                }
            }
            default -> f.reject(name, "is not a known field; the fields of events are: " + KNOWN_FIELDS);
        }
    }

    /** The checks that need every field: required ones, fields of other types, time bounds. */
    private void check(Fields f) {
        if ((f.seen & TYPE) == 0) {
            f.reject("type", "is required: one of request, session, feature_used, feedback, metric");
            return;
        }
        if ((f.seen & TIMESTAMP) == 0) {
            f.reject("timestamp", "is required: an ISO-8601 timestamp (2025-01-31T12:00:00Z) or epoch milliseconds");
            return;
        }
        int allowed = COMMON | switch (f.type) {
            case REQUEST -> LATENCY | OUTCOME | ROUTE;
            case SESSION -> DURATION | START | END;
            case FEATURE_USED -> 0;
            case FEEDBACK -> RATING | COMMENT;
            case METRIC -> NAME | VALUE;
        };
        int extra = f.seen & ~allowed;
        if (extra != 0) {
            f.reject(fieldName(Integer.lowestOneBit(extra)), "is not a field of a '" + f.type.wireName + "' event");
            return;
        }
        if (!timeInBounds(f, "timestamp", f.timestamp)) {
            return;
        }
        switch (f.type) {
            case REQUEST -> {
                if ((f.seen & LATENCY) == 0) {
                    f.reject("latencyMs", "is required for a request: a finite number ≥ 0");
                } else if (!f.outcomeSet) {
                    f.reject("outcome", "is required for a request: 'ok' or 'error'");
                }
                f.amount = f.latency;
            }
            case SESSION -> {
                boolean duration = (f.seen & DURATION) != 0;
                boolean start = (f.seen & START) != 0;
                boolean end = (f.seen & END) != 0;
                if (duration && (start || end)) {
                    f.reject(start ? "start" : "end", "give durationMs, or start and end, not both");
                } else if (duration) {
                    f.amount = f.duration;
                } else if (!start) {
                    f.reject("durationMs", "is required for a session (or give start and end)");
                } else if (!end) {
                    f.reject("end", "is required with start");
                } else if (f.end < f.start) {
                    f.reject("end", "must not be before start (" + java.time.Instant.ofEpochMilli(f.start) + "), was "
                            + java.time.Instant.ofEpochMilli(f.end));
                } else {
                    f.amount = f.end - f.start;
                }
            }
            case FEATURE_USED -> {
                if (f.feature == null) {
                    f.reject("feature", "is required for feature_used");
                }
            }
            case FEEDBACK -> {
                if ((f.seen & RATING) == 0) {
                    f.reject("rating", "is required for feedback: a whole number from 1 to 5");
                }
            }
            case METRIC -> {
                if (f.name == null) {
                    f.reject("name", "is required for a metric");
                } else if ((f.seen & VALUE) == 0) {
                    f.reject("value", "is required for a metric: a finite number");
                }
                f.amount = f.value;
            }
        }
    }

    private boolean timeInBounds(Fields f, String field, long millis) {
        if (millis > nowMillis + maxFutureMillis) {
            f.reject(field, "is " + human(millis - nowMillis) + " ahead of the server's clock; at most "
                    + human(maxFutureMillis) + " is allowed (was " + java.time.Instant.ofEpochMilli(millis) + ")");
            return false;
        }
        if (millis < nowMillis - maxAgeMillis) {
            f.reject(field, "is " + human(nowMillis - millis) + " old; events older than " + human(maxAgeMillis)
                    + " are not accepted (was " + java.time.Instant.ofEpochMilli(millis) + ")");
            return false;
        }
        return true;
    }

    private static String human(long millis) {
        java.time.Duration d = java.time.Duration.ofMillis(millis);
        if (d.toHours() >= 48) {
            return d.toDays() + " days";
        }
        if (d.toMinutes() >= 120) {
            return d.toHours() + " h";
        }
        if (d.toSeconds() >= 120) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }

    private static String fieldName(int bit) {
        return switch (bit) {
            case TYPE -> "type";
            case TIMESTAMP -> "timestamp";
            case USER_ID -> "userId";
            case ROLLOUT -> "rollout";
            case FEATURE -> "feature";
            case LATENCY -> "latencyMs";
            case OUTCOME -> "outcome";
            case ROUTE -> "route";
            case DURATION -> "durationMs";
            case START -> "start";
            case END -> "end";
            case RATING -> "rating";
            case COMMENT -> "comment";
            case NAME -> "name";
            default -> "value";
        };
    }

    private static String string(JsonParser p, JsonToken v, Fields f, String name) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            f.reject(name, "must be a string, was " + describe(v));
            return null;
        }
        return p.getText();
    }

    private static String key(JsonParser p, JsonToken v, Fields f, String name) throws IOException {
        String s = string(p, v, f, name);
        if (s != null) {
            Identifiers.keyProblem(s).ifPresent(problem -> f.reject(name, problem));
        }
        return s;
    }

    private long timestamp(JsonParser p, JsonToken v, Fields f, String name) throws IOException {
        long millis = Timestamps.INVALID;
        if (v == JsonToken.VALUE_STRING) {
            millis = Timestamps.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } else if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            millis = p.getLongValue();
        }
        if (millis == Timestamps.INVALID) {
            f.reject(name, "must be an ISO-8601 timestamp with a zone (2025-01-31T12:00:00Z) or whole epoch milliseconds, was "
                    + shown(p, v));
        }
        return millis;
    }

    private static double nonNegative(JsonParser p, JsonToken v, Fields f, String name) throws IOException {
        if (number(v)) {
            double d = p.getDoubleValue();
            if (Double.isFinite(d) && d >= 0) {
                return d;
            }
            f.reject(name, "must be a finite number ≥ 0, was " + (Double.isNaN(d) ? "NaN" : shown(p, v)));
        } else {
            f.reject(name, "must be a finite number ≥ 0, was " + shown(p, v));
        }
        return Double.NaN;
    }

    private static boolean number(JsonToken v) {
        return v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
    }

    private static String shown(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> "'" + Identifiers.printable(p.getText()) + "'";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Identifiers.printable(p.getText());
            default -> describe(v);
        };
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static PhasegateException tooMany() {
        return new PhasegateException.TooLarge(new Problem("", "the batch has more than " + MAX_EVENTS
                + " events; send at most " + MAX_EVENTS + " per request (nothing was stored)"));
    }

    private static PhasegateException.Malformed malformed(String message, JsonParser p) {
        var loc = p.currentLocation();
        String detail = "malformed JSON at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + message
                + " (nothing was stored)";
        return new PhasegateException.Malformed(detail, List.of(new Problem("", detail)));
    }

    private static PhasegateException.Malformed malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String detail = "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()) + " (nothing was stored)";
        return new PhasegateException.Malformed(detail, List.of(new Problem("", detail)));
    }

    private static String firstLine(String message) {
        return message == null ? "cannot be read" : message.split("\\n")[0];
    }
}
