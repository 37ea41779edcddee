-- The assessment's response rate counts a case whose first-contact deadline passed before anyone
-- reached the resident as not responded to. The register is a projection of the journal: it is
-- emptied and its checkpoint reset, so the projectors fill it again, the new column included.
ALTER TABLE dispatch_case_register
    ADD COLUMN contact_missed boolean NOT NULL DEFAULT false;

DELETE FROM dispatch_case_register;
UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';
