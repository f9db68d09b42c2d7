package dev.phasegate.server.user;

import dev.phasegate.server.testing.TestStore;

class H2SessionsTest extends SessionsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
