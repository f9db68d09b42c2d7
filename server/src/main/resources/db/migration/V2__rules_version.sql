-- One row counting changes that can alter an evaluation (plans, transitions, enrollments, kill
-- switches). Bumped in the same transaction as the change, so a reader that sees version N sees every
-- change up to N. SDKs and OFREP clients use it as the rules' version and ETag.
CREATE TABLE rules_version (
    id      INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO rules_version (id, version) VALUES (1, 1);
