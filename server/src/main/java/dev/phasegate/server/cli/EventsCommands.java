package dev.phasegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.phasegate.server.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code phasegate events send --file events.ndjson}. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Telemetry events (needs an ingest or admin token).",
        subcommands = {EventsCommands.Send.class},
        footer = {"", "Example:", "  phasegate events send --file events.ndjson"})
final class EventsCommands implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The server takes at most 10,000 events and 1 MiB per batch; a margin below both leaves room for the framing. */
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BYTES = 1_000_000;

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Send events from a file (a JSON array, or NDJSON: one event per line), in batches within the server's "
                    + "limits, with a progress bar. Valid events are stored; the others are listed by their index in the file.",
            footer = {"", "Exit code 5 when any event was rejected (the others are stored).", "",
                    "Examples:", "  phasegate events send --file events.ndjson",
                    "  phasegate events send --file events.json --batch-size 500 --json"})
    static final class Send implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = {"-f", "--file"}, required = true, description = "a JSON array of events, or NDJSON")
        Path file;
        @Option(names = "--batch-size", defaultValue = "5000", description = "events per request, 1–10000 (default ${DEFAULT-VALUE})")
        int batchSize;

        @Override
        public Integer call() {
            if (batchSize < 1 || batchSize > MAX_EVENTS) {
                System.err.println("error: --batch-size must be between 1 and " + MAX_EVENTS);
                return ExitCodes.USAGE;
            }
            List<byte[]> events;
            try {
                events = read(file);
            } catch (IOException | RuntimeException e) {
                System.err.println("error: cannot read " + file + ": " + e.getMessage());
                return ExitCodes.INVALID;
            }
            ApiClient client = options.client();
            List<List<byte[]>> batches = batches(events, batchSize);
            EnrollCommand.Progress progress = batches.size() > 1 ? new EnrollCommand.Progress(System.err, events.size()) : null;
            long stored = 0;
            ArrayNode rejected = Json.MAPPER.createArrayNode();
            int offset = 0;
            for (List<byte[]> batch : batches) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (byte[] event : batch) {
                    body.writeBytes(event);
                    body.write('\n');
                }
                ApiClient.Answer answer = client.postRaw("/api/v1/events", body.toByteArray(), "application/x-ndjson");
                JsonNode list;
                if (answer.status() == 202) {
                    stored += answer.body().path("stored").asLong();
                    list = answer.body().path("rejected");
                } else if (answer.status() == 422 && answer.body() != null && answer.body().has("errors")) {
                    list = answer.body().path("errors");
                } else {
                    if (progress != null) {
                        progress.finish();
                    }
                    System.err.println("stopped at event " + (offset + 1) + " of " + events.size() + " (events before it are stored)");
                    return options.printError(answer);
                }
                for (JsonNode r : list) {
                    // The server numbers events within the batch; the file's numbering is what a person can find.
                    rejected.addObject().put("index", offset + r.path("index").asInt()).put("field", r.path("field").asText())
                            .put("detail", r.path("detail").asText());
                }
                offset += batch.size();
                if (progress != null) {
                    progress.update(offset);
                }
            }
            if (progress != null) {
                progress.finish();
            }
            if (options.json) {
                var out = Json.MAPPER.createObjectNode();
                out.put("stored", stored);
                out.set("rejected", rejected);
                System.out.println(ClientOptions.pretty(out));
            } else {
                System.out.println(events.size() + " events: " + stored + " stored, " + rejected.size() + " rejected");
                if (!rejected.isEmpty()) {
                    Table t = new Table("INDEX", "FIELD", "DETAIL");
                    for (JsonNode r : rejected) {
                        t.row(r.path("index").asInt(), r.path("field").asText(), r.path("detail").asText());
                    }
                    t.print(System.out);
                }
            }
            return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
        }

        /**
         * The events of the file, each as one line of compact JSON: a file starting with '[' is a JSON array,
         * anything else NDJSON. A line that is not JSON is sent as it is, so the server rejects it by its index.
         */
        static List<byte[]> read(Path file) throws IOException {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            List<byte[]> events = new ArrayList<>();
            if (text.startsWith("[")) {
                JsonNode array = Json.MAPPER.readTree(text);
                for (JsonNode e : array) {
                    events.add(Json.MAPPER.writeValueAsBytes(e));
                }
            } else {
                for (String line : text.split("\r?\n")) {
                    if (!line.isBlank()) {
                        events.add(line.strip().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return events;
        }

        static List<List<byte[]>> batches(List<byte[]> events, int size) {
            List<List<byte[]>> batches = new ArrayList<>();
            List<byte[]> current = new ArrayList<>();
            long bytes = 0;
            for (byte[] e : events) {
                if (!current.isEmpty() && (current.size() >= size || bytes + e.length + 1 > MAX_BYTES)) {
                    batches.add(current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(e);
                bytes += e.length + 1;
            }
            if (!current.isEmpty()) {
                batches.add(current);
            }
            return batches;
        }
    }
}
