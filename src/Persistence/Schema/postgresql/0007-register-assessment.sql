-- The assessment counts extensions granted and appeals per case; the hotline finds a caller's
-- earlier cases by the first reporter's phone (digits only). The register is a projection of
-- the journal: it is emptied and its checkpoint reset, so the projectors fill it again, new
-- columns included, from the first journal row.
ALTER TABLE dispatch_case_register
    ADD COLUMN extensions integer NOT NULL DEFAULT 0,
    ADD COLUMN appeals    integer NOT NULL DEFAULT 0,
    ADD COLUMN reporter_phone text NULL;

CREATE INDEX ix_dispatch_case_register_phone ON dispatch_case_register (reporter_phone, reported_at DESC, id DESC)
    WHERE reporter_phone IS NOT NULL;

DELETE FROM dispatch_case_register;
UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';
