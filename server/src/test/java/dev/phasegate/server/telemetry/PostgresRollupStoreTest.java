package dev.phasegate.server.telemetry;

import dev.phasegate.server.testing.PostgresCondition;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresCondition.class)
class PostgresRollupStoreTest extends RollupStoreContract {
    @Override
    TestStore newStore() {
        return TestStore.postgres();
    }
}
