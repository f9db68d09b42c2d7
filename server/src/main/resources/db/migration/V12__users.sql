-- People who sign in to the web UI (machines keep using tokens). The password is stored only as an
-- Argon2id PHC string: algorithm, parameters, per-user salt and hash together, so parameters can grow
-- later without a migration.
CREATE TABLE ui_user (
    name          VARCHAR(64) PRIMARY KEY,
    role          VARCHAR(16) NOT NULL,
    password_hash VARCHAR(256) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Signed-in sessions. The cookie holds 256 random bits; only their SHA-256 is stored, so a copy of the
-- table cannot be replayed. Removing a user or changing a password deletes that user's sessions.
CREATE TABLE ui_session (
    id_hash      VARCHAR(64) PRIMARY KEY,
    user_name    VARCHAR(64) NOT NULL REFERENCES ui_user (name) ON DELETE CASCADE,
    csrf_token   VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX ui_session_by_user ON ui_session (user_name);
CREATE INDEX ui_session_by_last_seen ON ui_session (last_seen_at);
