-- The table every Orleans ADO.NET provider reads its SQL from, once, at start-up.
-- Keys, parameter names and result columns are the providers' contract; the SQL behind them is ours.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);
