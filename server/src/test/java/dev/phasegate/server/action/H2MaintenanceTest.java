package dev.phasegate.server.action;

import dev.phasegate.server.testing.TestStore;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class H2MaintenanceTest extends MaintenanceContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Override
    void checkSteps(List<ActionRecord> recorded) {
        assertThat(recorded).extracting(ActionRecord::kind).containsExactly(ActionRecord.ANALYZE, ActionRecord.COMPACT);
        assertThat(recorded.get(1).detail()).startsWith("CHECKPOINT").contains("SHUTDOWN COMPACT", "KiB before",
                "1 old action record(s) deleted");
    }
}
