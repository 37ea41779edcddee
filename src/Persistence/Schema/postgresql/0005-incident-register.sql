-- The incident register (台账): one row per case with the latest summary its incident announced,
-- so a change rewrites one row and a search is one indexed query. The incident's own grain state
-- stays the record of truth; this table is what lists and filters read.
--
-- Instants are UTC ticks (100 ns since 0001-01-01), exactly as the service compares them, so a
-- page cursor (reported_at, id) never loses or repeats a case to rounding. Ids sort bytewise
-- (COLLATE "C"), as the service orders them.
CREATE TABLE dispatch_incident_register
(
    id           text COLLATE "C" PRIMARY KEY,
    reported_at  bigint   NOT NULL,
    status       smallint NOT NULL,
    category     text     NOT NULL,
    district_id  text     NULL,
    street_id    text     NULL,
    community_id text     NULL,
    grid_id      text     NULL,
    worker_id    text     NULL,
    resolve_due  bigint   NULL,
    escalated    smallint NOT NULL,
    version      integer  NOT NULL,
    summary      bytea    NOT NULL
);

-- Newest first, over everything or within a grid or a worker's cases: the lists operators,
-- grid leaders and workers open most.
CREATE INDEX ix_dispatch_incident_register_reported ON dispatch_incident_register (reported_at DESC, id DESC);
CREATE INDEX ix_dispatch_incident_register_grid ON dispatch_incident_register (grid_id, reported_at DESC, id DESC);
CREATE INDEX ix_dispatch_incident_register_worker ON dispatch_incident_register (worker_id, reported_at DESC, id DESC)
    WHERE worker_id IS NOT NULL;
