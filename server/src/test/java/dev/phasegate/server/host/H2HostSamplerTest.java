package dev.phasegate.server.host;

import dev.phasegate.server.testing.TestStore;

class H2HostSamplerTest extends HostSamplerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
