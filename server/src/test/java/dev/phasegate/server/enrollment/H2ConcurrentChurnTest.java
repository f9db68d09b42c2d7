package dev.phasegate.server.enrollment;

import dev.phasegate.server.testing.TestStore;

class H2ConcurrentChurnTest extends ConcurrentChurnContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
