-- Admission looks up a batch of users with "rollout_key = ? AND user_id IN (...)". H2 cannot use the
-- second column of the primary key for an IN list and scanned the rollout's rows, comparing each with
-- every id (most of an admission's CPU under load); an index led by user_id serves the IN list on both stores.
CREATE INDEX enrollment_by_user ON enrollment (user_id, rollout_key);
