package dev.phasegate.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {

    @Test
    void bad_options_are_refused_before_anything_starts_naming_the_option() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new PhasegateCommand()).execute("demo", "--speed", "0")).isEqualTo(ExitCodes.USAGE);
            assertThat(new CommandLine(new PhasegateCommand()).execute("demo", "--users", "5")).isEqualTo(ExitCodes.USAGE);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("--speed must be 1–100, was 0", "--users must be 20–2000, was 5");
    }

    @Test
    void help_describes_the_demo_and_its_options() {
        StringWriter help = new StringWriter();
        CommandLine cmd = new CommandLine(new PhasegateCommand());
        cmd.setOut(new PrintWriter(help));
        assertThat(cmd.execute("demo", "--help")).isZero();
        assertThat(help.toString()).contains("--speed", "--users", "--no-fault", "--data-dir", "simulated trading application");
    }
}
