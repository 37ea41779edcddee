-- Grain state for the embedded silo, for Orleans 10.4.2's ADO.NET storage provider with the
-- SQLite invariant (System.Data.SQLite, which loads Microsoft.Data.Sqlite). Its contract: the keys WriteToStorageKey, ReadFromStorageKey and
-- ClearStorageKey in OrleansQuery; the parameters @GrainIdHash, @GrainIdN0, @GrainIdN1,
-- @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion and
-- @PayloadBinary; reads answer (PayloadBinary, Version); writes and clears answer
-- NewGrainStateVersion, which equals the version passed in when the write lost a race.
--
-- Every statement is idempotent: the script runs at every start of the embedded silo.

-- Write-ahead logging: readers do not block the writer. The setting is kept in the file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per grain state. The natural key is the primary key (the upstream table has none and
-- relies on hashes); an absent key extension is stored as '' so the key never holds NULL.
-- A rowid table, not WITHOUT ROWID: there the whole row is the key, so a state of megabytes (the
-- territory's map) sits in the b-tree's interior pages and every seek past it reads all of it
-- (a missing grid's state took 22 ms to look up beside a 30,000-grid map). Files made before
-- are rebuilt into this shape by SqliteSchema.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId              TEXT    NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainIdExtensionString TEXT    NOT NULL,
    GrainIdHash            INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash;
');

-- With a version expected, update only that version; with none, insert only when no row exists.
-- Each statement is followed by its own answer, read from changes() before anything else runs:
-- the new version when the row was written, the version passed in when the write lost a race
-- (the provider reports that as a conflict), nothing when an insert found a row already there.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), Version = Version + 1
    WHERE @GrainStateVersion IS NOT NULL
      AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE @GrainStateVersion IS NOT NULL AND changes() = 1
    UNION ALL
    SELECT @GrainStateVersion AS NewGrainStateVersion WHERE @GrainStateVersion IS NOT NULL AND changes() = 0;

    INSERT INTO OrleansStorage
        (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, GrainIdHash, GrainTypeHash, PayloadBinary, ModifiedOn, Version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''), @GrainIdHash, @GrainTypeHash,
           @PayloadBinary, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO NOTHING;

    SELECT 1 AS NewGrainStateVersion WHERE @GrainStateVersion IS NULL AND changes() = 1;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), Version = Version + 1
    WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
      AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion WHERE changes() = 1
    UNION ALL
    SELECT @GrainStateVersion AS NewGrainStateVersion WHERE changes() = 0 AND @GrainStateVersion IS NOT NULL;
');
