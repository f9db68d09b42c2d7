package dev.phasegate.server.user;

import dev.phasegate.server.token.Permission;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a person may do: the same permissions tokens carry, grouped for people. */
public enum Role {
    /** Reads everything the UI shows; changes nothing. */
    VIEWER(Set.of(Permission.READ)),
    /** Also transitions, rollbacks, enrollments, alerts and incidents. */
    OPERATOR(Set.of(Permission.READ, Permission.OPERATE)),
    /** Everything, tokens included. */
    ADMIN(Set.of(Permission.values()));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> byApiName(String name) {
        return Arrays.stream(values()).filter(r -> r.apiName().equals(name)).findFirst();
    }
}
