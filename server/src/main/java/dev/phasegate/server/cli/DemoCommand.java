package dev.phasegate.server.cli;

import ch.qos.logback.classic.Level;
import dev.phasegate.server.demo.Demo;
import dev.phasegate.server.demo.DemoOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code phasegate demo}: a node with a simulated trading application, a fault and the guardian's response. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run Phasegate with a demo: a fresh embedded store, the reference plan with automatic advancement,",
                "a simulated trading application (orders, portfolios, AI analysis, feedback) whose beta users move through",
                "the phases, then a fault in a beta feature that the guardian detects and rolls back, with an incident",
                "and emails to a local mail catcher. About 5 minutes at the default speed; the node runs until Ctrl-C."},
        footer = {"", "Examples:", "  phasegate demo", "  phasegate demo --speed 30 --users 100",
                "  phasegate demo --no-fault --data-dir ./demo-data"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port of the node (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = DemoOptions.DEFAULT_PORT;
    @Option(names = "--speed", description = "time runs this many times faster than the demo's 10 minutes a phase (default ${DEFAULT-VALUE}, 1-100)")
    int speed = DemoOptions.DEFAULT_SPEED;
    @Option(names = "--data-dir", description = "an empty directory for the embedded store, kept afterwards (default: a temporary one, deleted)")
    Path dataDir;
    @Option(names = "--users", description = "simulated traders (default ${DEFAULT-VALUE}; 40 %% ask to join the beta)")
    int users = DemoOptions.DEFAULT_USERS;
    @Option(names = "--no-fault", description = "inject no fault: watch the rollout advance through every phase")
    boolean noFault;
    @Option(names = "--seed", description = "random seed of the simulation (default ${DEFAULT-VALUE})")
    long seed = DemoOptions.DEFAULT_SEED;
    @Option(names = "--mail-port", description = "port of the mail catcher's page (default ${DEFAULT-VALUE}; a free one if taken)")
    int mailPort = DemoOptions.DEFAULT_MAIL_PORT;

    @Override
    public Integer call() {
        DemoOptions options;
        try {
            options = new DemoOptions(port, speed, dataDir, users, !noFault, seed, mailPort);
        } catch (IllegalArgumentException e) {
            System.err.println("phasegate: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        // The story is told on stdout; the node's routine INFO lines would bury it. PHASEGATE_LOG_LEVEL still wins.
        if (System.getenv("PHASEGATE_LOG_LEVEL") == null
                && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
        Demo demo;
        try {
            demo = Demo.start(options, Clock.systemUTC(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("phasegate: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (Exception e) {
            System.err.println("phasegate: cannot start the demo: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "phasegate-demo-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }
}
