-- The assessment counts extensions granted and appeals per case. The register is a projection of
-- the journal: it is emptied and its checkpoint reset, so the projectors fill it again, new
-- columns included, from the first journal row.
ALTER TABLE dispatch_case_register
    ADD COLUMN extensions integer NOT NULL DEFAULT 0,
    ADD COLUMN appeals    integer NOT NULL DEFAULT 0;

DELETE FROM dispatch_case_register;
UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';
