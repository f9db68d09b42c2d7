package dev.phasegate.sdk;

import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.gate.RulesSnapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Bootstrap and last-known-good files: the binary snapshot format, written atomically. */
final class SnapshotFiles {

    private static final System.Logger log = System.getLogger("dev.phasegate.sdk");

    private SnapshotFiles() {
    }

    /** The snapshot in {@code file}, or empty if there is none or it cannot be read (logged). */
    static Optional<RulesSnapshot> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RulesCodec.decode(Files.readAllBytes(file)));
        } catch (IOException | IllegalArgumentException e) {
            log.log(System.Logger.Level.WARNING, "ignoring rules file " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Replaces {@code file} with {@code bytes} so a reader never sees half a file. */
    static void write(Path file, byte[] bytes) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".phasegate-rules", ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "cannot write last-known-good rules to " + file + ": " + e.getMessage());
        }
    }
}
