package dev.phasegate.server.cluster;

import dev.phasegate.server.config.Settings;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.ServerProcess;
import dev.phasegate.server.testing.TestPrometheus;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded store serves one node: a second process on the same H2 file is refused, saying why. */
class EmbeddedSingleNodeTest {

    @TempDir
    Path dir;

    @Test
    void a_second_node_on_the_same_h2_file_is_refused_with_a_message_naming_the_file_and_postgresql() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess first = ServerProcess.start(data, TestPrometheus.freePort(), Map.of(), List.of(), dir.resolve("first.log"))) {
            Settings second = new Settings("127.0.0.1", 0, data, null, null, null, Settings.DEFAULT_POOL_SIZE, TestStore.ADMIN_TOKEN,
                    Settings.DEFAULT_MAX_BODY_BYTES);

            assertThatThrownBy(() -> Database.open(second).close())
                    .hasMessageContaining("another Phasegate node is using " + Database.embeddedFile(second))
                    .hasMessageContaining("the embedded store is single-node, use PostgreSQL for several nodes");
        }
    }
}
