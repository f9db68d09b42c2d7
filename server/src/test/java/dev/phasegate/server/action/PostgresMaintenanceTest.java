package dev.phasegate.server.action;

import dev.phasegate.server.testing.TestStore;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresMaintenanceTest extends MaintenanceContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }

    @Override
    void checkSteps(List<ActionRecord> recorded) {
        assertThat(recorded).extracting(ActionRecord::kind).containsExactly(ActionRecord.ANALYZE, ActionRecord.VACUUM);
        assertThat(recorded.get(0).detail()).startsWith("ANALYZE of 5 table(s): rollout, feature, enrollment, api_token, audit_event")
                .contains("autovacuum is ");
        assertThat(recorded.get(1).detail()).startsWith("VACUUM (ANALYZE) of ")
                .contains("telemetry_rollup", "host_sample", "guard_decision", "alert_event", "action_record",
                        "1 old action record(s) deleted");
        Map<?, ?> data = (Map<?, ?>) recorded.get(1).data();
        assertThat(((Map<?, ?>) data.get("tables")).containsKey("telemetry_rollup")).isTrue();
    }
}
