package dev.phasegate.server.enrollment;

import dev.phasegate.server.testing.TestStore;

class H2ConcurrentAdmissionTest extends ConcurrentAdmissionContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
