package dev.phasegate.server.enrollment;

import dev.phasegate.server.testing.TestStore;

@org.junit.jupiter.api.extension.ExtendWith(dev.phasegate.server.testing.PostgresCondition.class)
class PostgresConcurrentChurnTest extends ConcurrentChurnContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRES;
    }
}
