package dev.phasegate.server.host;

import dev.phasegate.server.testing.TestStore;

class H2SystemMetricsTest extends SystemMetricsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
