package dev.phasegate.core.plan;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class NoticeTemplatesTest {

    private static final Plan REFERENCE = Plans.reference();

    private static Plan withTemplates(Map<String, NoticeTemplates.Template> templates) {
        Plan p = REFERENCE;
        return new Plan(p.key(), p.name(), p.description(), p.start(), p.phases(), p.guards(), p.runbook(), p.contacts(),
                new NoticeTemplates(templates));
    }

    @Test
    void the_defaults_use_only_known_placeholders_and_cover_every_notice() {
        assertThat(NoticeTemplates.DEFAULTS).containsOnlyKeys("enrolled", "admitted", "features-arrived", "features-withdrawn");
        Pattern placeholder = Pattern.compile("\\{\\{(.*?)}}");
        NoticeTemplates.DEFAULTS.values().forEach(t -> {
            Matcher m = placeholder.matcher(t.subject() + t.body());
            while (m.find()) {
                assertThat(NoticeTemplates.PLACEHOLDERS).contains(m.group(1));
            }
        });
        assertThat(new NoticeTemplates(Map.copyOf(NoticeTemplates.DEFAULTS)).problems()).isEmpty();
    }

    @Test
    void an_unknown_placeholder_is_refused_naming_the_field_and_the_placeholder() {
        Plan plan = withTemplates(Map.of("enrolled", new NoticeTemplates.Template("Hi {{user}}", "Your {{nope}} is ready")));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("notifications.templates.enrolled.body");
            assertThat(p.message()).startsWith("unknown placeholder {{nope}}; known are ").contains("{{features}}", "{{user}}");
        });
    }

    @Test
    void an_unknown_template_name_is_refused() {
        Plan plan = withTemplates(Map.of("enroled", new NoticeTemplates.Template("Hi", "there")));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("notifications.templates.enroled");
            assertThat(p.message()).contains("'enroled' is not a notice", "enrolled, admitted, features-arrived, features-withdrawn");
        });
    }

    @Test
    void a_subject_on_two_lines_is_refused() {
        Plan plan = withTemplates(Map.of("admitted", new NoticeTemplates.Template("Hi\nthere", null)));

        assertThat(PlanValidator.validate(plan)).extracting(Problem::field).containsExactly("notifications.templates.admitted.subject");
    }

    @Test
    void a_template_given_in_part_keeps_the_defaults_other_field() {
        NoticeTemplates t = new NoticeTemplates(Map.of("enrolled", new NoticeTemplates.Template("Welcome, {{user}}", null)));

        assertThat(t.template("enrolled").subject()).isEqualTo("Welcome, {{user}}");
        assertThat(t.template("enrolled").body()).isEqualTo(NoticeTemplates.DEFAULTS.get("enrolled").body());
        assertThat(t.template("admitted")).isEqualTo(NoticeTemplates.DEFAULTS.get("admitted"));
    }

    @Test
    void rendering_fills_every_placeholder_and_leaves_missing_values_empty() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("user", "ada");
        values.put("features", "a$1, b\\2");

        assertThat(NoticeTemplates.render("Hi {{user}}: {{ features }}.{{link}}", values)).isEqualTo("Hi ada: a$1, b\\2.");
    }

    @Test
    void changing_templates_is_a_plan_change() {
        Plan changed = withTemplates(Map.of("enrolled", new NoticeTemplates.Template("Welcome", null)));

        assertThat(dev.phasegate.core.rollout.PlanChange.describe(REFERENCE, changed)).singleElement().asString()
                .startsWith("notification templates: ");
    }
}
