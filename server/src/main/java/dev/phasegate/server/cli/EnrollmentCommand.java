package dev.phasegate.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code phasegate enrollment KEY USER}: one user's enrollment. */
@Command(name = "enrollment", mixinStandardHelpOptions = true, description = "Show one user's enrollment in a rollout.",
        footer = {"", "Example:", "  phasegate enrollment trading-engine-v2 alice"})
final class EnrollmentCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", description = "rollout key")
    String key;
    @Parameters(index = "1", description = "user id")
    String user;

    @Override
    public Integer call() {
        return options.print(options.client().get("/api/v1/rollouts/" + ApiClient.encode(key) + "/enrollments/" + ApiClient.encode(user)), e -> {
            System.out.println(EnrollCommand.describe(e));
            Table t = new Table("FIELD", "VALUE");
            for (String f : new String[]{"email", "status", "joinedPhase", "position", "attributes", "createdAt", "updatedAt"}) {
                if (e.has(f) && !e.get(f).isNull()) {
                    t.row(f, Query.text(e, f));
                }
            }
            t.print(System.out);
        });
    }
}
