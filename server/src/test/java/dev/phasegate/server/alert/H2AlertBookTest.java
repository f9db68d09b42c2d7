package dev.phasegate.server.alert;

import dev.phasegate.server.testing.TestStore;

class H2AlertBookTest extends AlertBookContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
