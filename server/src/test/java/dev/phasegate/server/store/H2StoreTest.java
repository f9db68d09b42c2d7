package dev.phasegate.server.store;

import dev.phasegate.server.testing.TestStore;

class H2StoreTest extends StoreContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
