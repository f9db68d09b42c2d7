package dev.phasegate.server.telemetry;

import dev.phasegate.server.testing.TestStore;

class H2RollupStoreTest extends RollupStoreContract {
    @Override
    TestStore newStore() {
        return TestStore.h2();
    }
}
