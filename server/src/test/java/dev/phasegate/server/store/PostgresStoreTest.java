package dev.phasegate.server.store;

import dev.phasegate.server.testing.TestStore;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresStoreTest extends StoreContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
