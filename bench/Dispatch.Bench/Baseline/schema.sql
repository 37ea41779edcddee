-- The peer baseline: a conventional database-centric dispatcher, the way a city IT department
-- would build it. Every rule runs inside PostgreSQL; the application only calls it.

-- The map, the access list and the roster: loaded once, read by every report.
CREATE TABLE grids (
    id           text PRIMARY KEY,
    community_id text NOT NULL,
    street_id    text NOT NULL,
    district_id  text NOT NULL
);

CREATE TABLE buildings (
    id         text PRIMARY KEY,
    grid_id    text NOT NULL REFERENCES grids,
    name       text NOT NULL,
    address    text NOT NULL,
    longitude  double precision NOT NULL,
    latitude   double precision NOT NULL,
    households int NOT NULL
);

CREATE TABLE categories (
    code           text PRIMARY KEY,
    skill          text NOT NULL,
    owner          text NOT NULL,  -- grid, community, street, district or department:CODE
    urgency        text NOT NULL,
    accept_within  interval NOT NULL,
    resolve_within interval NOT NULL
);

-- How long a case may sit at each level once escalated there: level 1 community, 2 street, 3 district.
CREATE TABLE escalation_windows (
    urgency text NOT NULL,
    level   int NOT NULL,
    sit_for interval NOT NULL,
    PRIMARY KEY (urgency, level)
);

CREATE TABLE workers (
    id               text PRIMARY KEY,
    grid_id          text NOT NULL REFERENCES grids,
    name             text NOT NULL,
    role             text NOT NULL,
    skills           text[] NOT NULL,
    on_duty          boolean NOT NULL,
    open_load        int NOT NULL DEFAULT 0,
    last_assigned_at timestamptz
);

CREATE INDEX workers_by_grid ON workers (grid_id);

-- status: waiting (no eligible worker), dispatched, accepted, resolved, merged.
CREATE TABLE cases (
    id                  bigserial PRIMARY KEY,
    building_id         text NOT NULL,
    grid_id             text NOT NULL,
    category            text NOT NULL,
    urgency             text NOT NULL,
    owner_desk          text NOT NULL,
    status              text NOT NULL,
    worker_id           text,
    merged_into         bigint REFERENCES cases,
    reporters           int NOT NULL DEFAULT 1,
    reporter_name       text NOT NULL,
    reporter_phone      text NOT NULL,
    description         text NOT NULL,
    registered_at       timestamptz NOT NULL,
    accept_due          timestamptz,
    resolve_due         timestamptz NOT NULL,
    accepted_at         timestamptz,
    resolved_at         timestamptz,
    escalation_level    int NOT NULL DEFAULT 0,
    -- The next deadline the scanner acts on (first the resolve deadline, then each level's window); null once nothing is pending.
    escalate_at         timestamptz,
    -- The last escalation: when it happened and which deadline it answered, so its lateness stays on record.
    escalated_at        timestamptz,
    escalated_deadline  timestamptz
);

-- The scanner's index: only cases with a pending deadline are in it, ordered by that deadline.
CREATE INDEX cases_pending_deadline ON cases (escalate_at) WHERE escalate_at IS NOT NULL;

-- The duplicate check: open cases by building and category.
CREATE INDEX cases_open_by_building ON cases (building_id, category) WHERE status IN ('waiting', 'dispatched', 'accepted');

CREATE TABLE assignments (
    case_id     bigint NOT NULL REFERENCES cases,
    worker_id   text NOT NULL REFERENCES workers,
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, worker_id)
);

-- One report, one transaction (the caller runs it in autocommit): find the grid, merge a repeat
-- into the open case, or lock the least-loaded eligible worker and dispatch to them. Categories
-- the access list gives to a higher level or a department are registered at that desk, as
-- Dispatch does, and never merged or given to a grid worker.
CREATE FUNCTION register_report(
    p_building text, p_category text, p_description text, p_reporter_name text, p_reporter_phone text,
    OUT new_case bigint, OUT registered timestamptz, OUT assignee text, OUT assigned timestamptz, OUT primary_case bigint)
LANGUAGE plpgsql AS $$
DECLARE
    place grids%ROWTYPE;
    kind categories%ROWTYPE;
    desk text;
BEGIN
    registered := now();

    SELECT g.* INTO place FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE b.id = p_building;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown building %', p_building;
    END IF;

    SELECT * INTO kind FROM categories WHERE code = p_category;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown category %', p_category;
    END IF;

    IF kind.owner <> 'grid' THEN
        desk := CASE kind.owner
            WHEN 'community' THEN 'community:' || place.community_id
            WHEN 'street' THEN 'street:' || place.street_id
            WHEN 'district' THEN 'district:' || place.district_id
            ELSE kind.owner
        END;
        INSERT INTO cases (building_id, grid_id, category, urgency, owner_desk, status, reporter_name, reporter_phone,
                           description, registered_at, accept_due, resolve_due, escalate_at)
        VALUES (p_building, place.id, p_category, kind.urgency, desk, 'dispatched', p_reporter_name, p_reporter_phone,
                p_description, registered, registered + kind.accept_within, registered + kind.resolve_within,
                registered + kind.resolve_within)
        RETURNING id INTO new_case;
        RETURN;
    END IF;

    -- Two neighbours calling at once about the same thing must not both open a case: reports of one
    -- building and category take turns (a transaction-scoped lock, released at commit).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_building || '/' || p_category, 0));

    SELECT c.id INTO primary_case FROM cases c
    WHERE c.building_id = p_building AND c.category = p_category AND c.status IN ('waiting', 'dispatched', 'accepted')
    ORDER BY c.registered_at
    LIMIT 1;
    IF FOUND THEN
        UPDATE cases SET reporters = reporters + 1 WHERE id = primary_case;
        INSERT INTO cases (building_id, grid_id, category, urgency, owner_desk, status, merged_into, reporter_name,
                           reporter_phone, description, registered_at, resolve_due)
        VALUES (p_building, place.id, p_category, kind.urgency, 'grid:' || place.id, 'merged', primary_case, p_reporter_name,
                p_reporter_phone, p_description, registered, registered + kind.resolve_within)
        RETURNING id INTO new_case;
        RETURN;
    END IF;

    -- The grid leader's rule: on duty with the skill, least open load, then least recently assigned.
    -- The row lock makes concurrent reports of one grid queue for the worker they both chose.
    SELECT w.id INTO assignee FROM workers w
    WHERE w.grid_id = place.id AND w.on_duty AND kind.skill = ANY (w.skills)
    ORDER BY w.open_load, w.last_assigned_at NULLS FIRST, w.id
    LIMIT 1
    FOR UPDATE;

    IF assignee IS NULL THEN
        INSERT INTO cases (building_id, grid_id, category, urgency, owner_desk, status, reporter_name, reporter_phone,
                           description, registered_at, resolve_due, escalate_at)
        VALUES (p_building, place.id, p_category, kind.urgency, 'grid:' || place.id, 'waiting', p_reporter_name,
                p_reporter_phone, p_description, registered, registered + kind.resolve_within, registered + kind.resolve_within)
        RETURNING id INTO new_case;
        RETURN;
    END IF;

    assigned := clock_timestamp();
    UPDATE workers SET open_load = open_load + 1, last_assigned_at = assigned WHERE id = assignee;
    INSERT INTO cases (building_id, grid_id, category, urgency, owner_desk, status, worker_id, reporter_name, reporter_phone,
                       description, registered_at, accept_due, resolve_due, escalate_at)
    VALUES (p_building, place.id, p_category, kind.urgency, 'grid:' || place.id, 'dispatched', assignee, p_reporter_name,
            p_reporter_phone, p_description, registered, assigned + kind.accept_within, registered + kind.resolve_within,
            registered + kind.resolve_within)
    RETURNING id INTO new_case;
    INSERT INTO assignments (case_id, worker_id, assigned_at) VALUES (new_case, assignee, assigned);
END
$$;
