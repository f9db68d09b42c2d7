package dev.phasegate.server.token;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a token may do. */
public enum TokenKind {
    /** Everything, including tokens. */
    ADMIN(Set.of(Permission.READ, Permission.OPERATE, Permission.EVALUATE, Permission.INGEST, Permission.ADMINISTER)),
    /** Plans, transitions, enrollments, kill switches, reads; not tokens. */
    OPERATOR(Set.of(Permission.READ, Permission.OPERATE, Permission.EVALUATE)),
    /** Read rules and evaluate features. */
    SDK(Set.of(Permission.EVALUATE)),
    /** Send telemetry. */
    INGEST(Set.of(Permission.INGEST));

    private final Set<Permission> permissions;

    TokenKind(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public boolean may(Permission permission) {
        return permissions.contains(permission);
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TokenKind> byApiName(String name) {
        return Arrays.stream(values()).filter(k -> k.apiName().equals(name)).findFirst();
    }
}
