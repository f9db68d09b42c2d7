package dev.phasegate.server.cli;

/** Exit codes of every client command, stable for scripts. */
public final class ExitCodes {
    public static final int OK = 0;
    /** An unexpected server answer (5xx) or other failure. */
    public static final int FAILED = 1;
    /** Bad command-line usage. */
    public static final int USAGE = 2;
    /** The thing named does not exist (404). */
    public static final int NOT_FOUND = 3;
    /** Refused by the current state (409), e.g. a transition not allowed now. */
    public static final int CONFLICT = 4;
    /** The input was refused (400, 413, 422). */
    public static final int INVALID = 5;
    /** Missing, unknown or insufficient token (401, 403). */
    public static final int AUTH = 6;
    /** The server could not be reached. */
    public static final int UNREACHABLE = 7;
    /** A wait ({@code wait-phase}) ran out of time before the rollout got there. */
    public static final int TIMEOUT = 8;

    private ExitCodes() {
    }

    static int forStatus(int status) {
        return switch (status) {
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 400, 413, 422 -> INVALID;
            default -> status < 300 ? OK : FAILED;
        };
    }
}
