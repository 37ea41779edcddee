-- Grain state (Microsoft.Orleans.Persistence.AdoNet 10.4: one binary payload, whatever the serializer). Rows are keyed by service, grain type and
-- grain id; the unique index makes a concurrent first write of the same grain fail instead of
-- leaving two rows (NULLS NOT DISTINCT: most keys have no extension string).
CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);

CREATE UNIQUE INDEX UX_OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, GrainIdExtensionString) NULLS NOT DISTINCT;

-- Writes one state: an update when the caller holds a version (it must match), an insert when it
-- holds none. Answers the new version, or the caller's version when the write lost a race.
CREATE FUNCTION dispatch_write_state(
    id_hash integer, id_n0 bigint, id_n1 bigint, type_hash integer, type_string varchar, id_extension varchar,
    service varchar, expected_version integer, payload_binary bytea)
RETURNS TABLE (NewGrainStateVersion integer) LANGUAGE plpgsql AS $$
BEGIN
    IF expected_version IS NOT NULL THEN
        UPDATE OrleansStorage
        SET PayloadBinary = payload_binary,
            ModifiedOn = (now() AT TIME ZONE 'utc'), Version = Version + 1
        WHERE GrainIdHash = id_hash AND GrainTypeHash = type_hash AND GrainIdN0 = id_n0 AND GrainIdN1 = id_n1
            AND ServiceId = service AND GrainTypeString = type_string
            AND GrainIdExtensionString IS NOT DISTINCT FROM id_extension
            AND Version = expected_version;
        RETURN QUERY SELECT CASE WHEN FOUND THEN expected_version + 1 ELSE expected_version END;
        RETURN;
    END IF;

    INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
        ServiceId, PayloadBinary, ModifiedOn, Version)
    VALUES (id_hash, id_n0, id_n1, type_hash, type_string, id_extension,
        service, payload_binary, (now() AT TIME ZONE 'utc'), 1)
    ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT CASE WHEN FOUND THEN 1 ELSE NULL::integer END;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    SELECT * FROM dispatch_write_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'),
('ReadFromStorageKey', '
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;'),
('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = (now() AT TIME ZONE ''utc''), Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
        AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;');
