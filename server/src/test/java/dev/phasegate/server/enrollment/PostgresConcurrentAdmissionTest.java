package dev.phasegate.server.enrollment;

import dev.phasegate.server.testing.TestStore;

class PostgresConcurrentAdmissionTest extends ConcurrentAdmissionContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
