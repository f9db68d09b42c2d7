package dev.phasegate.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.testing.Plans;
import dev.phasegate.server.testing.TestServer;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the routes the running server registered (none missing, none extra, the same
 * permission), checked for the structure OpenAPI 3.1 requires; and Swagger UI served with its own assets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

    private TestStore store;
    private TestServer server;
    private JsonNode doc;

    @BeforeAll
    void start() {
        store = TestStore.h2();
        server = TestServer.start(store.settings());
        TestServer.Response r = server.get("/openapi.json", null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        doc = r.json();
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    /** Every operation of the document: "METHOD /path" → the operation. */
    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new HashMap<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                ops.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
            }
        }));
        return ops;
    }

    /** Javalin accepts {@code <name>} as well as {@code {name}}; the document writes {@code {name}}. */
    private static String normalized(String path) {
        return path.replaceAll("<([^>]+)>", "{$1}");
    }

    /** The UI's HTML pages and static assets are for browsers, not part of the HTTP API (docs/ui.md lists them). */
    private static boolean webPage(String path) {
        return Set.of("/", "/activity", "/alerts", "/incidents", "/incidents/{id}", "/login", "/performance", "/rollouts/{key}")
                .contains(normalized(path)) || path.startsWith("/ui/assets/");
    }

    @Test
    void documents_every_registered_route_and_nothing_else() {
        Set<String> registered = new TreeSet<>();
        for (HttpApi.Route route : server.node().routes()) {
            if (!webPage(route.path())) {
                registered.add(route.method() + " " + normalized(route.path()));
            }
        }
        Set<String> documented = new TreeSet<>(operations().keySet());
        Set<String> missing = new TreeSet<>(registered);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(registered);
        assertThat(missing).as("routes the server registered that the document lacks").isEmpty();
        assertThat(extra).as("operations the document has that the server does not serve").isEmpty();
        assertThat(registered).hasSizeGreaterThan(50);
    }

    @Test
    void each_operation_names_the_permission_its_route_requires() {
        Map<String, JsonNode> ops = operations();
        List<String> wrong = new ArrayList<>();
        for (HttpApi.Route route : server.node().routes()) {
            JsonNode op = ops.get(route.method() + " " + normalized(route.path()));
            if (op == null) {
                continue; // reported by the test above
            }
            String documented = op.has("x-permission") ? op.get("x-permission").asText() : null;
            String actual = route.permission() == null ? null : route.permission().name();
            boolean publicInDoc = op.has("security") && op.get("security").isEmpty();
            if (!java.util.Objects.equals(documented, actual) || publicInDoc != (actual == null)) {
                wrong.add(route.method() + " " + route.path() + ": route needs " + actual + ", document says " + documented
                        + (publicInDoc ? " (public)" : ""));
            }
        }
        assertThat(wrong).isEmpty();
        Set<String> allowed = Set.of("READ", "OPERATE", "EVALUATE", "INGEST", "ADMINISTER");
        ops.forEach((name, op) -> {
            if (op.has("x-permission")) {
                assertThat(allowed).as(name).contains(op.get("x-permission").asText());
            }
        });
    }

    @Test
    void is_structurally_valid_openapi_3_1() {
        assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();

        List<String> problems = new ArrayList<>();
        checkReferences(doc, "#", problems);

        Set<String> operationIds = new HashSet<>();
        Set<String> schemes = new HashSet<>();
        doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
        checkSecurity(doc.path("security"), "#/security", schemes, problems);
        Pattern status = Pattern.compile("[1-5](\\d\\d|XX)|default");

        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String template = path.getKey();
            if (!template.startsWith("/")) {
                problems.add("path " + template + " does not start with /");
            }
            Set<String> inTemplate = new HashSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(template);
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Map<String, JsonNode> pathLevel = parameters(path.getValue().path("parameters"));
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = ops.next();
                if (!METHODS.contains(entry.getKey())) {
                    if (!Set.of("parameters", "summary", "description", "servers").contains(entry.getKey())) {
                        problems.add(template + ": unknown path item field " + entry.getKey());
                    }
                    continue;
                }
                String name = entry.getKey().toUpperCase() + " " + template;
                JsonNode op = entry.getValue();
                String id = op.path("operationId").asText("");
                if (id.isEmpty()) {
                    problems.add(name + ": no operationId");
                } else if (!operationIds.add(id)) {
                    problems.add(name + ": operationId " + id + " is used twice");
                }
                Map<String, JsonNode> params = new HashMap<>(pathLevel);
                params.putAll(parameters(op.path("parameters")));
                Set<String> declaredPath = new HashSet<>();
                params.forEach((key, p) -> {
                    if (key.startsWith("path:")) {
                        declaredPath.add(p.path("name").asText());
                        if (!p.path("required").asBoolean(false)) {
                            problems.add(name + ": path parameter " + p.path("name").asText() + " must be required");
                        }
                    }
                    if (!p.has("schema") && !p.has("content")) {
                        problems.add(name + ": parameter " + key + " has neither schema nor content");
                    }
                });
                if (!declaredPath.equals(inTemplate)) {
                    problems.add(name + ": path parameters declared " + declaredPath + " but the template has " + inTemplate);
                }
                JsonNode responses = op.path("responses");
                if (!responses.isObject() || responses.isEmpty()) {
                    problems.add(name + ": no responses");
                }
                responses.fields().forEachRemaining(r -> {
                    if (!status.matcher(r.getKey()).matches()) {
                        problems.add(name + ": response key " + r.getKey() + " is not a status code");
                    }
                    JsonNode response = resolve(r.getValue());
                    if (response == null || !response.hasNonNull("description")) {
                        problems.add(name + " " + r.getKey() + ": a response needs a description");
                        return;
                    }
                    // The API's errors are problem documents; OFREP keeps its protocol's own error bodies.
                    if (template.startsWith("/api/v1/") && r.getKey().matches("[45]\\d\\d")) {
                        JsonNode content = response.path("content");
                        if (!content.has("application/problem+json") || content.size() != 1
                                || !isProblem(content.path("application/problem+json").path("schema"))) {
                            problems.add(name + " " + r.getKey() + ": an error must be application/problem+json with the Problem schema");
                        }
                    }
                });
                if (op.has("requestBody")) {
                    JsonNode body = resolve(op.get("requestBody"));
                    if (body == null || !body.path("content").isObject() || body.path("content").isEmpty()) {
                        problems.add(name + ": a request body needs content");
                    }
                }
                if (op.has("security")) {
                    checkSecurity(op.get("security"), name, schemes, problems);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(operationIds).hasSizeGreaterThan(50);
    }

    @Test
    void documents_the_main_objects_as_the_server_answers_them() {
        String token = TestStore.ADMIN_TOKEN;
        server.putJson("/api/v1/rollouts/oa", token, Plans.plan("oa", 2, 4));
        server.post("/api/v1/rollouts/oa/start", token, "");
        assertHasRequired("Rollout", server.get("/api/v1/rollouts/oa", token).json());
        assertHasRequired("Enrollment", server.post("/api/v1/rollouts/oa/enrollments", token, "{\"userId\":\"ann\"}").json());
        assertHasRequired("FeatureAnswer", server.get("/api/v1/rollouts/oa/users/ann/features", token).json());
        assertHasRequired("Readiness", server.get("/api/v1/rollouts/oa/readiness", token).json());
        assertHasRequired("Token", server.get("/api/v1/tokens", token).json().path("items").get(0));
        assertHasRequired("AuditEvent", server.get("/api/v1/audit", token).json().path("items").get(0));
        assertHasRequired("SdkInstances", server.get("/api/v1/sdk/instances", token).json());
        assertHasRequired("Incident", server.post("/api/v1/incidents", token,
                "{\"rollout\":\"oa\",\"title\":\"checking\",\"severity\":\"sev3\"}").json());
        TestServer.Response problem = server.get("/api/v1/rollouts/none-such", token);
        assertThat(problem.contentType()).startsWith("application/problem+json");
        assertHasRequired("Problem", problem.json());
    }

    private void assertHasRequired(String schema, JsonNode answer) {
        JsonNode required = doc.path("components").path("schemas").path(schema).path("required");
        assertThat(required.isArray()).as(schema + " lists required properties").isTrue();
        assertThat(answer).as(schema).isNotNull();
        for (JsonNode name : required) {
            assertThat(answer.has(name.asText())).as(schema + "." + name.asText() + " in " + answer).isTrue();
        }
    }

    @Test
    void swagger_ui_is_served_from_this_server_with_its_initializer_in_a_file() {
        TestServer.Response page = server.get("/api/docs", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-eval");
        assertThat(page.raw()).doesNotContain("https://").doesNotContain("http://");
        Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(page.raw());
        while (scripts.find()) {
            assertThat(scripts.group(1)).as("no inline script").contains("src=");
        }
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.raw());
        int assets = 0;
        while (refs.find()) {
            TestServer.Response asset = server.get(refs.group(1), null);
            assertThat(asset.status()).as(refs.group(1)).isEqualTo(200);
            assertThat(asset.raw()).as(refs.group(1)).isNotEmpty();
            assets++;
        }
        assertThat(assets).isGreaterThanOrEqualTo(5);
        TestServer.Response init = server.get("/api/docs/phasegate-swagger-init.js", null);
        assertThat(init.contentType()).startsWith("text/javascript");
        assertThat(init.raw()).contains("url: \"/openapi.json\"");
        assertThat(server.get("/api/docs/swagger-ui.css", null).contentType()).startsWith("text/css");
        TestServer.Response missing = server.get("/api/docs/..%2Fopenapi.yaml", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(server.get("/api/docs/index.html", null).status()).isEqualTo(404);
    }

    /** Parameters by "in:name", references resolved. */
    private Map<String, JsonNode> parameters(JsonNode list) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode p : list) {
            JsonNode resolved = resolve(p);
            if (resolved != null) {
                out.put(resolved.path("in").asText() + ":" + resolved.path("name").asText(), resolved);
            }
        }
        return out;
    }

    private boolean isProblem(JsonNode schema) {
        if ("#/components/schemas/Problem".equals(schema.path("$ref").asText())) {
            return true;
        }
        JsonNode resolved = resolve(schema);
        if (resolved != null && resolved != schema) {
            return isProblem(resolved);
        }
        for (JsonNode part : schema.path("allOf")) {
            if (isProblem(part)) {
                return true;
            }
        }
        return false;
    }

    /** The node a {@code $ref} points to (following chains), the node itself if none, null if it dangles. */
    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; hops < 10 && current != null && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#")) {
                return null;
            }
            JsonNode target = doc.at(ref.substring(1));
            current = target.isMissingNode() ? null : target;
        }
        return current;
    }

    private void checkReferences(JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                if (!ref.isTextual() || !ref.asText().startsWith("#/")) {
                    problems.add(where + ": $ref " + ref + " is not a local reference");
                } else if (doc.at(ref.asText().substring(1)).isMissingNode()) {
                    problems.add(where + ": $ref " + ref.asText() + " points nowhere");
                }
            }
            node.fields().forEachRemaining(e -> checkReferences(e.getValue(), where + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), where + "/" + i, problems);
            }
        }
    }

    private static void checkSecurity(JsonNode requirements, String where, Set<String> schemes, List<String> problems) {
        for (JsonNode requirement : requirements) {
            requirement.fieldNames().forEachRemaining(name -> {
                if (!schemes.contains(name)) {
                    problems.add(where + ": security scheme " + name + " is not defined");
                }
            });
        }
    }
}
