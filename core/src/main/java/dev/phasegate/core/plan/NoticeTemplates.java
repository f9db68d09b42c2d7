package dev.phasegate.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What beta users are told, and when: one subject and body per notice, written in the plan under
 * {@code notifications.templates} or left to the built-in defaults. Placeholders are {@code {{name}}}.
 *
 * <pre>{@code
 * NoticeTemplates t = new NoticeTemplates(Map.of("enrolled", new Template("Welcome, {{user}}", null)));
 * t.problems();                                  // [] : known name, known placeholders
 * t.template("enrolled").subject();             // "Welcome, {{user}}"
 * NoticeTemplates.render("Hi {{user}}", Map.of("user", "ada"));  // "Hi ada"
 * }</pre>
 *
 * @param custom the templates the plan writes, by notice name; a null subject or body keeps the default's
 */
public record NoticeTemplates(Map<String, Template> custom) {

    /** A subject and a plain-text body. */
    public record Template(String subject, String body) {
    }

    public static final String ENROLLED = "enrolled";
    public static final String ADMITTED = "admitted";
    public static final String FEATURES_ARRIVED = "features-arrived";
    public static final String FEATURES_WITHDRAWN = "features-withdrawn";

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("user", "rollout", "rolloutName", "phase", "features", "reason", "link");

    /** Short, friendly, plain text: a notice people read on a phone. */
    public static final Map<String, Template> DEFAULTS = defaults();

    /** No custom templates: every notice uses its default. */
    public static final NoticeTemplates NONE = new NoticeTemplates(Map.of());

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    /** A notice is a few lines; a longer template is a paste accident. */
    private static final int MAX_TEMPLATE_CHARS = 10_000;

    public NoticeTemplates {
        custom = custom == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    private static Map<String, Template> defaults() {
        Map<String, Template> d = new LinkedHashMap<>();
        d.put(ENROLLED, new Template("You're in: {{rolloutName}} beta",
                "Hi {{user}},\n\nyou are enrolled in the {{rolloutName}} beta (phase {{phase}}).\n"
                        + "Your features: {{features}}.\n\n{{link}}\n"));
        d.put(ADMITTED, new Template("A place opened up: {{rolloutName}} beta",
                "Hi {{user}},\n\na place opened up and you moved from the waitlist into the {{rolloutName}} beta "
                        + "(phase {{phase}}).\nYour features: {{features}}.\n\n{{link}}\n"));
        d.put(FEATURES_ARRIVED, new Template("New in the {{rolloutName}} beta",
                "Hi {{user}},\n\nthe {{rolloutName}} beta moved to phase {{phase}}. New for you: {{features}}.\n\n{{link}}\n"));
        d.put(FEATURES_WITHDRAWN, new Template("Features withdrawn: {{rolloutName}} beta",
                "Hi {{user}},\n\nwe withdrew these features of the {{rolloutName}} beta for now: {{features}}.\n"
                        + "Why: {{reason}}\nSorry for the interruption; we will tell you when they are back.\n\n{{link}}\n"));
        return java.util.Collections.unmodifiableMap(d);
    }

    /** The template of notice {@code name}: the plan's fields where given, the default's elsewhere. */
    public Template template(String name) {
        Template fallback = DEFAULTS.get(name);
        if (fallback == null) {
            throw new IllegalArgumentException("no notice '" + name + "'; notices are " + DEFAULTS.keySet());
        }
        Template mine = custom.get(name);
        if (mine == null) {
            return fallback;
        }
        return new Template(mine.subject() == null ? fallback.subject() : mine.subject(),
                mine.body() == null ? fallback.body() : mine.body());
    }

    /** Unknown notice names and unknown placeholders, each named by its field in the plan. */
    public List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        custom.forEach((name, t) -> {
            String at = "notifications.templates." + name;
            if (!DEFAULTS.containsKey(name)) {
                problems.add(new Problem(at, "'" + Identifiers.printable(name) + "' is not a notice; templates are "
                        + String.join(", ", DEFAULTS.keySet())));
                return;
            }
            if (t == null) {
                problems.add(new Problem(at, "is empty; give a subject, a body or both"));
                return;
            }
            check(t.subject(), at + ".subject", problems);
            check(t.body(), at + ".body", problems);
            if (t.subject() != null && (t.subject().contains("\n") || t.subject().contains("\r"))) {
                problems.add(new Problem(at + ".subject", "must be one line"));
            }
        });
        return problems;
    }

    private static void check(String text, String field, List<Problem> problems) {
        if (text == null) {
            return;
        }
        if (text.length() > MAX_TEMPLATE_CHARS) {
            problems.add(new Problem(field, "is " + text.length() + " characters; at most " + MAX_TEMPLATE_CHARS + " are allowed"));
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                problems.add(new Problem(field, "unknown placeholder {{" + Identifiers.printable(m.group(1)) + "}}; known are "
                        + String.join(", ", PLACEHOLDERS.stream().sorted().map(p -> "{{" + p + "}}").toList())));
            }
        }
    }

    /** {@code text} with each {@code {{name}}} replaced by its value (empty when the value is missing). */
    public static String render(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
