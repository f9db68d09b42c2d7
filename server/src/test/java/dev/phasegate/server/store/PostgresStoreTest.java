package dev.phasegate.server.store;

import dev.phasegate.server.testing.TestStore;

class PostgresStoreTest extends StoreContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
