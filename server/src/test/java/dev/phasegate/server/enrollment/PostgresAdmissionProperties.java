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

/** The same property as {@link H2AdmissionProperties}, on PostgreSQL. */
@net.jqwik.api.lifecycle.AddLifecycleHook(dev.phasegate.server.testing.PostgresRequired.class)
class PostgresAdmissionProperties {

    private static TestStore store;
    private static Database db;
    private static AdmissionModel.Runner runner;

    @BeforeContainer
    static void open() {
        store = TestStore.postgres();
        db = Database.open(store.settings());
        runner = new AdmissionModel.Runner(db);
    }

    @AfterContainer
    static void close() {
        if (db != null) {
            db.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Provide
    Arbitrary<List<AdmissionModel.Op>> operations() {
        return AdmissionModel.operations();
    }

    @Provide
    Arbitrary<int[]> capacities() {
        return AdmissionModel.capacities();
    }

    @Property(tries = 150, seed = "20261126")
    void admission_keeps_capacity_and_first_come_first_served_order(@ForAll("operations") List<AdmissionModel.Op> ops,
                                                                     @ForAll("capacities") int[] capacities) {
        runner.check(ops, capacities);
    }
}
