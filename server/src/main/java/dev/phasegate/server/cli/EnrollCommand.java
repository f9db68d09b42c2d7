package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code phasegate enroll KEY --user ID [--email E]} or {@code --csv users.csv}. */
@Command(name = "enroll", mixinStandardHelpOptions = true, description = "Enroll beta users: one, or many from a CSV file (with a progress bar).",
        footer = {"", "The CSV has a header row with a userId column and optionally email; other columns become attributes.",
                "Examples:", "  phasegate enroll trading-engine-v2 --user alice --email alice@example.com",
                "  phasegate enroll trading-engine-v2 --csv users.csv"})
final class EnrollCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Option(names = "--user", description = "the user's id")
    String user;
    @Option(names = "--email", description = "the user's email (for notifications)")
    String email;
    @Option(names = "--csv", description = "a CSV file of users (header: userId[,email,...])")
    Path csv;
    @Option(names = "--batch-size", defaultValue = "1000", description = "users per request, 1–10000 (default ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() {
        if ((user == null) == (csv == null)) {
            System.err.println("error: give either --user or --csv");
            return ExitCodes.USAGE;
        }
        if (batchSize < 1 || batchSize > 10_000) {
            System.err.println("error: --batch-size must be between 1 and 10000");
            return ExitCodes.USAGE;
        }
        ApiClient client = options.client();
        String path = "/api/v1/rollouts/" + ApiClient.encode(key) + "/enrollments";
        if (user != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("userId", user);
            if (email != null) {
                body.put("email", email);
            }
            return options.print(client.post(path, body), e -> System.out.println(describe(e)));
        }
        List<Map<String, Object>> users;
        try {
            users = readCsv(csv);
        } catch (IOException | RuntimeException e) {
            System.err.println("error: cannot read " + csv + ": " + e.getMessage());
            return ExitCodes.INVALID;
        }
        int enrolled = 0;
        int waitlisted = 0;
        int existing = 0;
        List<JsonNode> answers = new ArrayList<>();
        Progress progress = new Progress(System.err, users.size());
        for (int from = 0; from < users.size(); from += batchSize) {
            List<Map<String, Object>> batch = users.subList(from, Math.min(users.size(), from + batchSize));
            ApiClient.Answer answer = client.post(path, Map.of("users", batch));
            if (!answer.ok()) {
                progress.finish();
                System.err.println("stopped at user " + (from + 1) + " of " + users.size() + " (users before it are enrolled)");
                return options.printError(answer);
            }
            enrolled += answer.body().path("enrolled").asInt();
            waitlisted += answer.body().path("waitlisted").asInt();
            existing += answer.body().path("existing").asInt();
            answers.add(answer.body());
            progress.update(from + batch.size());
        }
        progress.finish();
        if (options.json) {
            System.out.println(ClientOptions.pretty(dev.phasegate.server.http.Json.MAPPER.valueToTree(
                    Map.of("enrolled", enrolled, "waitlisted", waitlisted, "existing", existing, "batches", answers))));
        } else {
            System.out.println(users.size() + " users: " + enrolled + " enrolled, " + waitlisted + " waitlisted, " + existing + " already there");
        }
        return ExitCodes.OK;
    }

    static String describe(JsonNode e) {
        String status = e.path("status").asText();
        String who = e.path("userId").asText();
        String again = e.path("created").asBoolean(true) ? "" : " (already)";
        return switch (status) {
            case "enrolled" -> who + " enrolled in phase " + e.path("joinedPhase").asInt() + again;
            case "waitlisted" -> who + " waitlisted" + (e.has("position") ? " at position " + e.path("position").asInt() : "") + again;
            default -> who + " " + status;
        };
    }

    static List<Map<String, Object>> readCsv(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        List<Map<String, Object>> users = new ArrayList<>();
        try (MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            int line = 1;
            while (rows.hasNext()) {
                line++;
                Map<String, String> row = rows.next();
                String id = row.get("userId") != null ? row.get("userId") : row.get("user_id");
                if (id == null || id.isEmpty()) {
                    throw new IOException("line " + line + ": no userId (the header must name a userId column)");
                }
                Map<String, Object> userBody = new LinkedHashMap<>();
                userBody.put("userId", id);
                Map<String, String> attributes = new LinkedHashMap<>();
                row.forEach((column, value) -> {
                    if (column.equals("email")) {
                        if (value != null && !value.isEmpty()) {
                            userBody.put("email", value);
                        }
                    } else if (!column.equals("userId") && !column.equals("user_id") && value != null && !value.isEmpty()) {
                        attributes.put(column, value);
                    }
                });
                if (!attributes.isEmpty()) {
                    userBody.put("attributes", attributes);
                }
                users.add(userBody);
            }
        }
        return users;
    }

    /** A one-line progress bar on stderr. */
    static final class Progress {
        private final PrintStream out;
        private final int total;

        Progress(PrintStream out, int total) {
            this.out = out;
            this.total = total;
        }

        void update(int done) {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) done * width / total);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + (total == 0 ? 100 : done * 100L / total)
                    + "% " + done + "/" + total);
            out.flush();
        }

        void finish() {
            out.println();
        }
    }
}
