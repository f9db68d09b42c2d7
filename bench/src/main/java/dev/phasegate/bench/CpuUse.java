package dev.phasegate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine, this JVM and PostgreSQL were over an interval, as shares of all cores. On a 2-core
 * machine the clients, the node and the database compete for the same cores, so a figure means little
 * without knowing whether they were saturated, and whether something else (a build, a test run) took its
 * share. Machine and PostgreSQL figures come from /proc and are omitted where it does not exist.
 */
final class CpuUse {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final long startWall;
    private final long startProcess;
    private final long[] startMachine;
    private final long startPostgres;

    /** What {@link #since()} found. Shares are percent of all cores; -1 where unknown. */
    record Shares(double machine, double jvm, double postgres, double others) {
    }

    private CpuUse(long startWall, long startProcess, long[] startMachine, long startPostgres) {
        this.startWall = startWall;
        this.startProcess = startProcess;
        this.startMachine = startMachine;
        this.startPostgres = startPostgres;
    }

    static CpuUse start() {
        return new CpuUse(System.nanoTime(), processCpuNanos(), machineTicks(), postgresTicks());
    }

    /** The load average of the last minute: well above 0 before a run means something else is busy. */
    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }

    Shares since() {
        int cores = Runtime.getRuntime().availableProcessors();
        long wall = System.nanoTime() - startWall;
        double jvm = startProcess < 0 ? -1 : 100.0 * (processCpuNanos() - startProcess) / ((double) wall * cores);
        long[] end = machineTicks();
        if (startMachine == null || end == null || jvm < 0) {
            return new Shares(-1, jvm, -1, -1);
        }
        long ticks = Math.max(1, end[1] - startMachine[1]);
        double busy = 100.0 * (end[0] - startMachine[0]) / ticks;
        // Both /proc/stat and /proc/<pid>/stat count in the same clock ticks, so the ratio needs no USER_HZ.
        double postgres = 100.0 * (postgresTicks() - startPostgres) / ticks;
        return new Shares(busy, jvm, postgres, Math.max(0, busy - jvm - postgres));
    }

    /** For example "machine 100% busy: this JVM 64%, postgres 30%, others 6%". */
    static String describe(Shares s) {
        if (s.machine() < 0) {
            return s.jvm() < 0 ? "n/a" : String.format(Locale.ROOT, "this JVM %.0f%% of all cores", s.jvm());
        }
        return String.format(Locale.ROOT, "machine %.0f%% busy: this JVM %.0f%%, postgres %.0f%%, others %.0f%%",
                s.machine(), s.jvm(), s.postgres(), s.others());
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU ticks used so far by the processes named postgres (the server and its backends), or 0. */
    private static long postgresTicks() {
        long sum = 0;
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(open + 1, close).equals("postgres")) {
                        continue;
                    }
                    // After the command: state is field 3, utime and stime fields 14 and 15 (proc(5)).
                    String[] f = stat.substring(close + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException gone) {
                    // The process ended while being read.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** {busy, total} ticks of all cores, or null. Busy is everything but idle and iowait. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
