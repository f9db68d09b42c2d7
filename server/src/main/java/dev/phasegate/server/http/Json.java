package dev.phasegate.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON (and YAML) configuration of the server: strict on input (unknown fields, duplicate keys,
 * trailing garbage and wrong types are errors that name the field), plain on output. Reading failures
 * become {@link PhasegateException.Malformed} with line and column.
 */
public final class Json {

    /** Nesting deeper than this is an attack or an accident; no Phasegate document needs more than 10. */
    private static final int MAX_NESTING = 64;

    public static final ObjectMapper MAPPER = configure(JsonMapper.builder().build());
    public static final ObjectMapper YAML = configure(new YAMLMapper(YAMLFactory.builder().build()));

    private Json() {
    }

    /**
     * Strings with NUL characters are refused at parse time, naming the field: PostgreSQL cannot store NUL in
     * text, and no identifier, email or reason of ours needs one.
     */
    private static final class NulFreeStrings extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<String> {
        NulFreeStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctxt) throws IOException {
            String value = com.fasterxml.jackson.databind.deser.std.StringDeserializer.instance.deserialize(p, ctxt);
            if (value != null && value.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(p, "contains a NUL character, which is not allowed", value, String.class);
            }
            return value;
        }
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("phasegate-strings")
                .addDeserializer(String.class, new NulFreeStrings()));
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING).maxNumberLength(100).maxStringLength(10_000_000).build());
        mapper.registerModule(new JavaTimeModule());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        return mapper;
    }

    /** Reads {@code body} as {@code type}; {@code yaml} picks the YAML reader. */
    public static <T> T read(byte[] body, Class<T> type, boolean yaml) {
        if (body == null || body.length == 0) {
            throw new PhasegateException.Malformed("the request body is empty; expected a " + (yaml ? "YAML" : "JSON") + " document",
                    List.of(new Problem("", "body is empty")));
        }
        try {
            T value = (yaml ? YAML : MAPPER).readValue(body, type);
            if (value == null) {
                throw new PhasegateException.Malformed("the document is empty", List.of(new Problem("", "document is null or empty")));
            }
            return value;
        } catch (IOException e) {
            throw malformed(e, yaml ? "YAML" : "JSON");
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T readStored(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON cannot be read as " + type.getSimpleName(), e);
        }
    }

    static PhasegateException.Malformed malformed(IOException e, String format) {
        String field = "";
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            field = path(u);
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            message = "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : "; known fields here: " + known);
        } else if (e instanceof InvalidFormatException f && f.getTargetType() == String.class) {
            field = path(f);
            message = firstLine(f.getOriginalMessage());
        } else if (e instanceof InvalidFormatException f) {
            field = path(f);
            message = "'" + f.getValue() + "' is not " + describe(f.getTargetType());
        } else if (e instanceof InputCoercionException c) {
            message = "number out of range: " + c.getOriginalMessage().split("\\n")[0].replaceAll("\\(.*", "").strip();
        } else if (e instanceof MismatchedInputException m) {
            field = path(m);
            message = m.getTargetType() == null ? firstLine(m.getOriginalMessage()) : "expected " + describe(m.getTargetType());
        } else if (e instanceof JsonMappingException m) {
            field = path(m);
            message = firstLine(m.getOriginalMessage());
        } else if (e instanceof JsonProcessingException p) {
            message = firstLine(p.getOriginalMessage());
        } else {
            message = "cannot be read";
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof InputCoercionException c) {
            field = path(m);
            message = "number out of range: " + firstLine(c.getOriginalMessage()).replaceAll("\\(.*", "").strip();
        }
        String where = "";
        if (e instanceof JsonProcessingException p && p.getLocation() != null && p.getLocation() != JsonLocation.NA) {
            where = " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr();
        }
        String detail = "malformed " + format + where + ": " + (field.isEmpty() ? "" : field + ": ") + message;
        return new PhasegateException.Malformed(detail, List.of(new Problem(field, message + where)));
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of the right type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be read";
        }
        String line = message.split("\\n")[0];
        // Jackson names Java classes in some messages; a client needs the problem, not our class names.
        return line.replaceAll("`?(java|dev|com)\\.[\\w.$]+`?", "value").strip();
    }
}
