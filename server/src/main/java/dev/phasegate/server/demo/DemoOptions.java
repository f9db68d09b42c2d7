package dev.phasegate.server.demo;

import java.nio.file.Path;

/**
 * How to run the demo. Checked at once, with messages naming the option.
 *
 * @param port     HTTP port of the node (0: a free one)
 * @param speed    how much faster than the demo's own pace (10 minutes a phase) time runs: 10 tells the story
 *                 in about 5 minutes
 * @param dataDir  where the embedded store goes (must be empty or absent), or null for a temporary directory
 *                 deleted at the end
 * @param users    simulated traders
 * @param fault    whether a fault is injected once the rollout reaches phase 3
 * @param seed     the simulation's random seed: a seed replays the same traders and choices
 * @param mailPort port of the mail catcher's page (0: a free one; a taken port falls back to a free one)
 */
public record DemoOptions(int port, int speed, Path dataDir, int users, boolean fault, long seed, int mailPort) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_SPEED = 10;
    public static final int DEFAULT_USERS = 300;
    /** Mailpit's and MailHog's web port: where people look for a local mail catcher. */
    public static final int DEFAULT_MAIL_PORT = 8025;
    public static final long DEFAULT_SEED = 42;
    /** Fewer traders cannot fill the pilot phase (40 % of 20 is 8 beta users for 5 places). */
    public static final int MIN_USERS = 20;
    /**
     * A trader acts ~0.27 times a simulated second: 2,000 traders at speed 10 send ~5,400 events a second. More
     * measures the machine rather than showing Phasegate (the bench module is for that).
     */
    public static final int MAX_USERS = 2_000;
    /** Beyond 100 a phase lasts 6 s, about the guardian's auto-advance check, and the story turns to noise. */
    public static final int MAX_SPEED = 100;

    public DemoOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0–65535, was " + port);
        }
        if (speed < 1 || speed > MAX_SPEED) {
            throw new IllegalArgumentException("--speed must be 1–" + MAX_SPEED + ", was " + speed);
        }
        if (users < MIN_USERS || users > MAX_USERS) {
            throw new IllegalArgumentException("--users must be " + MIN_USERS + "–" + MAX_USERS + ", was " + users);
        }
        if (mailPort < 0 || mailPort > 65535) {
            throw new IllegalArgumentException("--mail-port must be 0–65535, was " + mailPort);
        }
    }
}
