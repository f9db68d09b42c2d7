package dev.phasegate.server.cli;

import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.config.Settings;
import dev.phasegate.server.config.SettingsLoader;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.user.Role;
import dev.phasegate.server.user.User;
import dev.phasegate.server.user.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code phasegate user add|list|remove|passwd}: people who sign in to the web UI. These work on the store
 * directly, with the same settings as {@code serve} (people have no token to call the API with at first).
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Manage the people who sign in to the web UI (works on the store directly, like serve).",
        subcommands = {UserCommands.Add.class, UserCommands.List.class, UserCommands.Remove.class, UserCommands.Passwd.class},
        footer = {"", "Roles: viewer (reads), operator (also transitions, rollbacks, alerts, incidents), admin (everything).",
                "With the embedded store, stop the server first (H2 opens its file for one process); with PostgreSQL, any time.",
                "Examples:", "  phasegate user add alice --role operator", "  echo \"$PASSWORD\" | phasegate user add ci-viewer --role viewer --password-stdin",
                "  phasegate user list", "  phasegate user passwd alice", "  phasegate user remove alice"})
final class UserCommands implements Runnable {

    /** Who the audit log names for these commands. */
    static final Actor CLI = new Actor("cli", "cli (phasegate user)");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the store is: the same flags, environment and file as {@code serve}. */
    static final class StoreOptions {
        @Option(names = "--data-dir", description = "directory of the embedded store (default ./data)")
        String dataDir;
        @Option(names = "--db-url", description = "JDBC URL of PostgreSQL (or H2) instead of the embedded store")
        String dbUrl;
        @Option(names = "--config", description = "YAML config file (default: PHASEGATE_CONFIG or ./phasegate.yaml if present)")
        Path config;

        /** Runs {@code action} with the store's users; maps outcomes to exit codes and messages. */
        int withUsers(Function<Users, Integer> action) {
            Map<String, String> flags = new HashMap<>();
            if (dataDir != null) {
                flags.put("dataDir", dataDir);
            }
            if (dbUrl != null) {
                flags.put("dbUrl", dbUrl);
            }
            Settings settings;
            try {
                settings = new SettingsLoader(flags, System.getenv(), config).load();
            } catch (SettingsLoader.InvalidSettingsException e) {
                System.err.println("phasegate: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            Database db;
            try {
                db = Database.open(settings);
            } catch (RuntimeException e) {
                System.err.println("phasegate: " + e.getMessage()
                        + (settings.embedded() ? "\n(with the embedded store, stop the server first: its file is open in one process at a time)" : ""));
                return ExitCodes.FAILED;
            }
            try {
                return action.apply(new Users(db, new AuditLog(), Clock.systemUTC(), new SecureRandom()));
            } catch (PhasegateException e) {
                System.err.println("error: " + e.getMessage());
                return e instanceof PhasegateException.NotFound ? ExitCodes.NOT_FOUND
                        : e instanceof PhasegateException.Conflict ? ExitCodes.CONFLICT : ExitCodes.INVALID;
            } finally {
                db.close();
            }
        }
    }

    /** Reads a new password: from standard input (one line) or, interactively, twice from the terminal. */
    static final class PasswordOptions {
        @Option(names = "--password-stdin", description = "read the password from standard input (first line) instead of prompting")
        boolean stdin;

        /** The password, or null after printing why there is none. */
        String read(String name) {
            if (stdin) {
                try {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (line == null || line.isEmpty()) {
                        System.err.println("error: no password on standard input");
                        return null;
                    }
                    return line;
                } catch (IOException e) {
                    System.err.println("error: cannot read standard input: " + e.getMessage());
                    return null;
                }
            }
            Console console = System.console();
            if (console == null) {
                System.err.println("error: no terminal to prompt on; pass --password-stdin and pipe the password in");
                return null;
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] second = console.readPassword("Again: ");
            try {
                if (first == null || second == null || !Arrays.equals(first, second)) {
                    System.err.println("error: the passwords differ");
                    return null;
                }
                return new String(first);
            } finally {
                if (first != null) {
                    Arrays.fill(first, ' ');
                }
                if (second != null) {
                    Arrays.fill(second, ' ');
                }
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a person who may sign in.")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOptions store;
        @picocli.CommandLine.Mixin
        PasswordOptions password;
        @Parameters(index = "0", description = "user name (letters, digits, . _ @ -)")
        String name;
        @Option(names = "--role", required = true, description = "viewer, operator or admin")
        String role;

        @Override
        public Integer call() {
            Role parsed = Role.byApiName(role.toLowerCase()).orElse(null);
            if (parsed == null) {
                System.err.println("error: --role must be viewer, operator or admin, was '" + role + "'");
                return ExitCodes.USAGE;
            }
            String secret = password.read(name);
            if (secret == null) {
                return ExitCodes.USAGE;
            }
            return store.withUsers(users -> {
                User user = users.add(name, parsed, secret, CLI);
                System.out.println("added " + user.role() + " " + user.name() + "; they can sign in at the server's / page");
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the people who may sign in.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            return store.withUsers(users -> {
                Table t = new Table("NAME", "ROLE", "CREATED", "UPDATED");
                for (User u : users.list()) {
                    t.row(u.name(), u.role(), u.createdAt().toString(), u.updatedAt().toString());
                }
                t.print(System.out);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a person; their sessions end.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOptions store;
        @Parameters(index = "0", description = "user name")
        String name;

        @Override
        public Integer call() {
            return store.withUsers(users -> {
                users.remove(name, CLI);
                System.out.println("removed " + name + " (their sessions are ended)");
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a new password; the person's sessions end.")
    static final class Passwd implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOptions store;
        @picocli.CommandLine.Mixin
        PasswordOptions password;
        @Parameters(index = "0", description = "user name")
        String name;

        @Override
        public Integer call() {
            String secret = password.read(name);
            if (secret == null) {
                return ExitCodes.USAGE;
            }
            return store.withUsers(users -> {
                users.changePassword(name, secret, CLI);
                System.out.println("changed the password of " + name + " (their sessions are ended)");
                return ExitCodes.OK;
            });
        }
    }
}
