-- The register finds the cases a department has a hand in: those its desk holds (the lead) and
-- those naming it as a co-unit (协办), kept as '|code|code|'. The register is a projection of the
-- journal: it is emptied and its checkpoint reset, so the projectors fill it again, the new column
-- included, from the first journal row.
ALTER TABLE dispatch_case_register
    ADD COLUMN co_units text NULL;

DELETE FROM dispatch_case_register;
UPDATE dispatch_projections SET tx = 0, position = 0 WHERE name = 'register';
