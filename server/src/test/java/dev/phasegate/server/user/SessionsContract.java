package dev.phasegate.server.user;

import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestStore;
import dev.phasegate.server.token.Permission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Users} and {@link Sessions} must do on every store: accounts, hashes, sign-in, expiry, sign-out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionsContract {

    static final Actor ADMIN = new Actor("cli", "cli");
    static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger NAMES = new AtomicInteger();

    TestStore store;
    Database db;
    TestClock clock = new TestClock(Instant.parse("2026-01-10T09:00:00Z"));
    Users users;
    Sessions sessions;

    abstract TestStore.Kind kind();

    @BeforeAll
    void open() {
        store = TestStore.create(kind());
        db = Database.open(store.settings());
        // Cheap parameters keep the suite fast; the production parameters are pinned in PasswordHasherTest.
        users = new Users(db, new AuditLog(), clock, new PasswordHasher(new SecureRandom(), 64, 1));
        sessions = new Sessions(db, users, clock, new SecureRandom());
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String name() {
        return "user" + NAMES.incrementAndGet();
    }

    @Test
    void a_user_is_stored_with_an_argon2id_hash_never_the_password() {
        String name = name();
        User user = users.add(name, Role.OPERATOR, PASSWORD, ADMIN);
        assertThat(user.role()).isEqualTo("operator");
        String stored = db.withHandle(h -> h.createQuery("SELECT password_hash FROM ui_user WHERE name = :n").bind("n", name)
                .mapTo(String.class).one());
        assertThat(stored).startsWith("$argon2id$v=19$m=64,t=1,p=1$").doesNotContain(PASSWORD);
        assertThat(users.list()).extracting(User::name).contains(name);
        String audited = db.withHandle(h -> h.createQuery("SELECT action FROM audit_event WHERE subject = :s").bind("s", "user:" + name)
                .mapTo(String.class).one());
        assertThat(audited).isEqualTo("user.created");
    }

    @Test
    void names_are_unique_and_bad_input_names_the_field() {
        String name = name();
        users.add(name, Role.VIEWER, PASSWORD, ADMIN);
        assertThatThrownBy(() -> users.add(name, Role.ADMIN, PASSWORD, ADMIN)).isInstanceOf(PhasegateException.Conflict.class);
        assertThatThrownBy(() -> users.add("<img src=x>", Role.VIEWER, PASSWORD, ADMIN))
                .isInstanceOfSatisfying(PhasegateException.Invalid.class, e -> assertThat(e.problems().get(0).field()).isEqualTo("name"));
        assertThatThrownBy(() -> users.add(name(), Role.VIEWER, "short", ADMIN))
                .isInstanceOfSatisfying(PhasegateException.Invalid.class, e -> assertThat(e.problems().get(0).field()).isEqualTo("password"));
    }

    @Test
    void sign_in_needs_the_right_name_and_password_and_gives_the_role() {
        String name = name();
        users.add(name, Role.VIEWER, PASSWORD, ADMIN);
        assertThat(sessions.signIn(name, "wrong password")).isEmpty();
        assertThat(sessions.signIn("nobody-" + name, PASSWORD)).isEmpty();
        assertThat(sessions.signIn(name, null)).isEmpty();
        Sessions.Opened opened = sessions.signIn(name, PASSWORD).orElseThrow();
        assertThat(opened.id()).hasSizeGreaterThanOrEqualTo(43); // 256 bits in base64url
        assertThat(opened.toString()).doesNotContain(opened.id());
        Sessions.Session session = sessions.find(opened.id()).orElseThrow();
        assertThat(session.user()).isEqualTo(name);
        assertThat(session.principal().permissions()).containsExactly(Permission.READ);
        assertThat(session.principal().actor().display()).isEqualTo("user:" + name);
        // Only the hash of the id is stored.
        int plain = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM ui_session WHERE id_hash = :id").bind("id", opened.id())
                .mapTo(Integer.class).one());
        assertThat(plain).isZero();
    }

    @Test
    void a_session_ends_after_12_hours_idle_or_7_days_in_all() {
        String name = name();
        users.add(name, Role.OPERATOR, PASSWORD, ADMIN);
        Sessions.Opened idle = sessions.signIn(name, PASSWORD).orElseThrow();
        clock.advance(Duration.ofHours(11));
        assertThat(sessions.find(idle.id())).isPresent(); // used: the idle period starts again
        clock.advance(Duration.ofHours(11));
        assertThat(sessions.find(idle.id())).isPresent();
        clock.advance(Duration.ofHours(12).plusSeconds(1));
        assertThat(sessions.find(idle.id())).isEmpty();

        Sessions.Opened busy = sessions.signIn(name, PASSWORD).orElseThrow();
        for (int i = 0; i < 15; i++) {
            clock.advance(Duration.ofHours(11));
            sessions.find(busy.id());
        }
        assertThat(sessions.find(busy.id())).isPresent(); // 6 days 21 hours
        clock.advance(Duration.ofHours(11));
        assertThat(sessions.find(busy.id())).isEmpty(); // past 7 days, however busy
    }

    @Test
    void sign_out_password_change_and_removal_end_sessions() {
        String name = name();
        users.add(name, Role.ADMIN, PASSWORD, ADMIN);
        Sessions.Opened first = sessions.signIn(name, PASSWORD).orElseThrow();
        Sessions.Opened second = sessions.signIn(name, PASSWORD).orElseThrow();
        sessions.signOut(first.id());
        assertThat(sessions.find(first.id())).isEmpty();
        assertThat(sessions.find(second.id())).isPresent();

        sessions.changePassword(name, "another long password", ADMIN);
        assertThat(sessions.find(second.id())).isEmpty();
        assertThat(sessions.signIn(name, PASSWORD)).isEmpty();
        Sessions.Opened third = sessions.signIn(name, "another long password").orElseThrow();

        sessions.remove(name, ADMIN);
        assertThat(sessions.find(third.id())).isEmpty();
        assertThat(sessions.signIn(name, "another long password")).isEmpty();
        assertThatThrownBy(() -> sessions.remove(name, ADMIN)).isInstanceOf(PhasegateException.NotFound.class);
    }
}
