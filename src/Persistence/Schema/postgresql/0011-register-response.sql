-- The assessment's response rate counts the sign-for limit from the filing (立案: a report held for
-- its on-site check is filed when confirmed), and a case whose first-contact deadline passed before
-- anyone reached the resident as not responded to. The register is a projection of the journal: it
-- is emptied and its checkpoint reset, so the projectors fill it again, the new columns included.
ALTER TABLE dispatch_case_register
    ADD COLUMN filed_at bigint NULL,
    ADD COLUMN contact_missed boolean NOT NULL DEFAULT false;

DELETE FROM dispatch_case_register;
UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';
