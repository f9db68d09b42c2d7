-- Several nodes on one PostgreSQL (issue 7). The leader's fencing token: epoch grows by one each time a
-- node takes the lead, and leader-only writes check it in their transaction, so a deposed leader's late
-- writes are refused. One row, created here.
CREATE TABLE cluster_leader (
    id      INTEGER PRIMARY KEY,
    epoch   BIGINT NOT NULL,
    node_id VARCHAR(64),
    since   TIMESTAMP WITH TIME ZONE
);

INSERT INTO cluster_leader (id, epoch) VALUES (1, 0);

-- Every node's heartbeat (every 2 s); a node whose last_seen is older than 10 s is shown as gone.
CREATE TABLE cluster_node (
    node_id    VARCHAR(64) PRIMARY KEY,
    address    VARCHAR(256) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen  TIMESTAMP WITH TIME ZONE NOT NULL,
    leader     BOOLEAN NOT NULL
);

-- The epoch of the leader that last wrote a step: which leader did what, after a failover.
ALTER TABLE runbook_step ADD COLUMN epoch BIGINT;
