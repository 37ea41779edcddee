-- The incident register (台账) for the embedded silo: one row per case with the latest summary its
-- incident announced, so a change rewrites one row and a search is one indexed query. The same
-- columns as PostgreSQL's dispatch_incident_register; instants are UTC ticks, ids sort bytewise
-- (SQLite's default collation).
--
-- Idempotent: the script runs at every start of the embedded silo.
CREATE TABLE IF NOT EXISTS dispatch_incident_register
(
    id           TEXT    NOT NULL PRIMARY KEY,
    reported_at  INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    category     TEXT    NOT NULL,
    district_id  TEXT    NULL,
    street_id    TEXT    NULL,
    community_id TEXT    NULL,
    grid_id      TEXT    NULL,
    worker_id    TEXT    NULL,
    resolve_due  INTEGER NULL,
    escalated    INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    summary      BLOB    NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_dispatch_incident_register_reported ON dispatch_incident_register (reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_dispatch_incident_register_grid ON dispatch_incident_register (grid_id, reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_dispatch_incident_register_worker ON dispatch_incident_register (worker_id, reported_at DESC, id DESC)
    WHERE worker_id IS NOT NULL;
