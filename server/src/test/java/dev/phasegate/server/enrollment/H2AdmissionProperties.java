package dev.phasegate.server.enrollment;

import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestStore;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;

/** Random sequences of enroll, batch enroll, leave, advance, pause and resume keep capacity and FIFO order (H2). */
class H2AdmissionProperties {

    private static TestStore store;
    private static Database db;
    private static AdmissionModel.Runner runner;

    @BeforeContainer
    static void open() {
        store = TestStore.h2();
        db = Database.open(store.settings());
        runner = new AdmissionModel.Runner(db);
    }

    @AfterContainer
    static void close() {
        db.close();
        store.close();
    }

    @Provide
    Arbitrary<List<AdmissionModel.Op>> operations() {
        return AdmissionModel.operations();
    }

    @Provide
    Arbitrary<int[]> capacities() {
        return AdmissionModel.capacities();
    }

    @Property(tries = 300, seed = "20261126")
    void admission_keeps_capacity_and_first_come_first_served_order(@ForAll("operations") List<AdmissionModel.Op> ops,
                                                                     @ForAll("capacities") int[] capacities) {
        runner.check(ops, capacities);
    }
}
