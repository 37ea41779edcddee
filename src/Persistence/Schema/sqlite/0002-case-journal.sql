-- The case journal for the embedded silo: the same tables as PostgreSQL's 0006-case-journal.sql
-- (read that script for what each column means). Differences: position is the rowid (SQLite
-- commits one writer at a time, so rowid order is commit order, and rows are never deleted, so a
-- rowid is never reused; tx stays 0), and booleans are 0 and 1. Idempotent: the script runs at
-- every start of the embedded silo.
CREATE TABLE IF NOT EXISTS dispatch_journal
(
    position      INTEGER PRIMARY KEY,
    stream        TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    reason        TEXT    NULL,
    notice_for    TEXT    NULL,
    payload       TEXT    NOT NULL,
    previous_hash TEXT    NOT NULL,
    hash          TEXT    NOT NULL,
    tx            INTEGER NOT NULL DEFAULT 0,
    recorded_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (stream, seq)
);

CREATE INDEX IF NOT EXISTS ix_dispatch_journal_notices ON dispatch_journal (notice_for, position DESC) WHERE notice_for IS NOT NULL;

CREATE TABLE IF NOT EXISTS dispatch_open_cases
(
    case_id    TEXT    NOT NULL PRIMARY KEY,
    desk       TEXT    NOT NULL,
    delivered  INTEGER NOT NULL,
    redrive_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_dispatch_open_cases_desk ON dispatch_open_cases (desk);
CREATE INDEX IF NOT EXISTS ix_dispatch_open_cases_undelivered ON dispatch_open_cases (redrive_at) WHERE NOT delivered;

CREATE TABLE IF NOT EXISTS dispatch_projections
(
    name     TEXT    NOT NULL PRIMARY KEY,
    tx       INTEGER NOT NULL,
    position INTEGER NOT NULL
);

INSERT OR IGNORE INTO dispatch_projections (name, tx, position) VALUES ('register', 0, 0);

DROP TABLE IF EXISTS dispatch_incident_register;

CREATE TABLE IF NOT EXISTS dispatch_case_register
(
    id           TEXT    NOT NULL PRIMARY KEY,
    reported_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    category     TEXT    NOT NULL,
    tracker      TEXT    NOT NULL,
    district_id  TEXT    NULL,
    street_id    TEXT    NULL,
    community_id TEXT    NULL,
    grid_id      TEXT    NULL,
    worker_id    TEXT    NULL,
    resolve_due  INTEGER NULL,
    escalated    INTEGER NOT NULL,
    escalations  INTEGER NOT NULL,
    accepted_at  INTEGER NULL,
    resolved_at  INTEGER NULL,
    closed_at    INTEGER NULL,
    on_time      INTEGER NULL,
    rework_count INTEGER NOT NULL,
    rating       INTEGER NULL,
    version      INTEGER NOT NULL,
    state        BLOB    NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_dispatch_case_register_reported ON dispatch_case_register (reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_dispatch_case_register_grid ON dispatch_case_register (grid_id, reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_dispatch_case_register_community ON dispatch_case_register (community_id, reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_dispatch_case_register_worker ON dispatch_case_register (worker_id, reported_at DESC, id DESC)
    WHERE worker_id IS NOT NULL;
