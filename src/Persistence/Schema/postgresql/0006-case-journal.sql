-- The case journal: every change of every case, once, as an immutable row. A case's state, its
-- desk's book, the register and the statistics are all derived from these rows.
--
-- A stream is a case number (or 'worker:ID' for a worker's duty); seq numbers its rows from 1.
-- The primary key (stream, seq) means two writers can never both store row N of a stream: the
-- second insert stores nothing and that writer reads the stream again. Each row's hash is SHA-256
-- over its fields and previous_hash, the hash of row seq-1, so a row that is edited, removed or
-- slipped in afterwards breaks the chain (`Dispatch.Silo journal verify` reports it).
--
-- at is UTC ticks (100 ns since 0001-01-01), exactly as hashed. payload is JSON text, kept
-- byte for byte as hashed (a json or jsonb column would normalise it): read it with payload::json.
-- position and tx give the order projections read in: tx is the writing transaction's id, and a
-- projection reads only rows of transactions older than every one still running, so a row that
-- commits late is never skipped.
CREATE TABLE dispatch_journal
(
    stream        text COLLATE "C" NOT NULL,
    seq           integer     NOT NULL,
    type          text        NOT NULL,
    actor         text        NOT NULL,
    at            bigint      NOT NULL,
    reason        text        NULL,
    notice_for    text        NULL,
    payload       text        NOT NULL,
    previous_hash text        NOT NULL,
    hash          text        NOT NULL,
    position      bigint      GENERATED ALWAYS AS IDENTITY,
    tx            bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, seq)
);

CREATE INDEX ix_dispatch_journal_order ON dispatch_journal (tx, position);
CREATE INDEX ix_dispatch_journal_notices ON dispatch_journal (notice_for, position DESC) WHERE notice_for IS NOT NULL;

-- The open cases: which desk tracks each, whether that desk has taken it in, and when to publish
-- it to the desk again if not. Changed in the same transaction as the row that opens, moves,
-- delivers or ends the case; a desk rebuilds from the rows of its open cases, and the re-drive
-- sweep reads the undelivered ones.
CREATE TABLE dispatch_open_cases
(
    case_id    text COLLATE "C" PRIMARY KEY,
    desk       text    NOT NULL,
    delivered  boolean NOT NULL,
    redrive_at bigint  NOT NULL
);

CREATE INDEX ix_dispatch_open_cases_desk ON dispatch_open_cases (desk);
CREATE INDEX ix_dispatch_open_cases_undelivered ON dispatch_open_cases (redrive_at) WHERE NOT delivered;

-- How far each projection has read the journal (tx, position of the last row it applied).
CREATE TABLE dispatch_projections
(
    name     text PRIMARY KEY,
    tx       bigint NOT NULL,
    position bigint NOT NULL
);

INSERT INTO dispatch_projections (name, tx, position) VALUES ('register', 0, 0);

-- The register (台账) is now a projection of the journal with the figures statistics sum up; the
-- old table held summaries written by the incident grains and is rebuilt from the journal instead.
DROP TABLE IF EXISTS dispatch_incident_register;

-- One row per case. Area columns are where the case is; tracker is the desk that owns it;
-- escalated has bit 1 << level for every level it was escalated to (1 community, 2 street,
-- 3 district, 4 city); instants are UTC ticks; state is the whole fold in Orleans' encoding.
CREATE TABLE dispatch_case_register
(
    id           text COLLATE "C" PRIMARY KEY,
    reported_at  bigint   NOT NULL,
    updated_at   bigint   NOT NULL,
    status       smallint NOT NULL,
    category     text     NOT NULL,
    tracker      text     NOT NULL,
    district_id  text     NULL,
    street_id    text     NULL,
    community_id text     NULL,
    grid_id      text     NULL,
    worker_id    text     NULL,
    resolve_due  bigint   NULL,
    escalated    integer  NOT NULL,
    escalations  integer  NOT NULL,
    accepted_at  bigint   NULL,
    resolved_at  bigint   NULL,
    closed_at    bigint   NULL,
    on_time      boolean  NULL,
    rework_count integer  NOT NULL,
    rating       smallint NULL,
    version      integer  NOT NULL,
    state        bytea    NOT NULL
);

CREATE INDEX ix_dispatch_case_register_reported ON dispatch_case_register (reported_at DESC, id DESC);
CREATE INDEX ix_dispatch_case_register_grid ON dispatch_case_register (grid_id, reported_at DESC, id DESC);
CREATE INDEX ix_dispatch_case_register_community ON dispatch_case_register (community_id, reported_at DESC, id DESC);
CREATE INDEX ix_dispatch_case_register_worker ON dispatch_case_register (worker_id, reported_at DESC, id DESC)
    WHERE worker_id IS NOT NULL;
