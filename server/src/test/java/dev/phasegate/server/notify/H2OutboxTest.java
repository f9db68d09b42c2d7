package dev.phasegate.server.notify;

import dev.phasegate.server.testing.TestStore;

class H2OutboxTest extends OutboxContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
