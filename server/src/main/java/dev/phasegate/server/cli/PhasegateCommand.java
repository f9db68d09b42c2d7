package dev.phasegate.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code phasegate} executable: one jar for the server and the CLI. */
@Command(name = "phasegate", mixinStandardHelpOptions = true, version = "phasegate 0.1.0",
        description = "Gradual rollouts with guardrails: server and command line.",
        subcommands = {ServeCommand.class, DemoCommand.class, ApplyCommand.class, RolloutCommands.List.class, RolloutCommands.Get.class,
                RolloutCommands.Start.class, RolloutCommands.Advance.class, RolloutCommands.Pause.class,
                RolloutCommands.Resume.class, RolloutCommands.Complete.class, EnrollCommand.class, LeaveCommand.class,
                EnrollmentsCommand.class, FeaturesCommand.class, KillSwitchCommand.class, TokenCommands.class,
                AuditCommand.class, RollbackCommand.class, EnrollmentCommand.class, WaitPhaseCommand.class, EventsCommands.class,
                MetricsCommands.Rollout.class, MetricsCommands.SystemMetrics.class, GuardCommands.List.class,
                GuardCommands.Decisions.class, GuardCommands.Decision.class, GuardCommands.Readiness.class, AlertCommands.class,
                SilenceCommands.class, IncidentCommands.class, RollbackRunCommands.class, RollbackRunCommands.Guardian.class,
                ActionsCommand.class, NotificationCommands.class, SdkCommands.class, SdkCommands.Evaluate.class, HealthCommand.class,
                UserCommands.class, ReportCommand.class, CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class},
        footer = {"", "Examples:",
                "  phasegate demo                                   a node with a simulated application, a fault and a rollback",
                "  phasegate serve                                  run a node on :8080 with the embedded store",
                "  phasegate apply -f examples/trading-engine.yaml  create or update a rollout from a plan",
                "  phasegate enroll trading-engine-v2 --user alice  enroll a beta user",
                "  phasegate features trading-engine-v2 alice       which features alice gets",
                "  phasegate advance trading-engine-v2              move to the next phase",
                "  phasegate audit --rollout trading-engine-v2      who changed what",
                "  phasegate user add alice --role operator         let a person sign in to the web UI",
                "  phasegate report --rollout KEY --out r.html      a self-contained HTML snapshot to share",
                "",
                "Client commands read PHASEGATE_URL (default http://localhost:8080) and PHASEGATE_TOKEN.",
                "Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 conflict, 5 invalid input, 6 auth, 7 unreachable."})
public final class PhasegateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it: exceptions map to the documented exit codes. */
    public static CommandLine commandLine() {
        return new CommandLine(new PhasegateCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parseResult) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return e instanceof ApiClient.Unreachable ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
                });
    }
}
