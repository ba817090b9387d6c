"""Writing events to a PostgreSQL store: a table of the schema's columns keyed by event_id (so a
file written twice does not double its events), indexed by date, and a one-row table
`conflictmap_store` whose version each write that adds events raises (the app's caches key on it).

Rows go through COPY (as CSV) into a temporary table, then `INSERT … ON CONFLICT (event_id) DO NOTHING`:
the values travel as COPY data, never as SQL text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from conflictmap.schema import EVENT_COLUMNS, conform

_TYPES = {"string": "TEXT", "datetime64[ns]": "TIMESTAMP", "Int64": "BIGINT", "float64": "DOUBLE PRECISION"}


def _identifier(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier(name)


def create(connection: Any, table: str = "events") -> None:
    """Create the store's tables and indexes if they do not exist yet."""
    from psycopg import sql

    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(_identifier(name), sql.SQL(_TYPES[dtype])) for name, dtype in EVENT_COLUMNS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY (event_id))").format(_identifier(table), columns)
        )
        cursor.execute(
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (date_start)").format(
                _identifier(f"{table}_date_start"), _identifier(table)
            )
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS conflictmap_store (version BIGINT NOT NULL)")
        cursor.execute("INSERT INTO conflictmap_store SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM conflictmap_store)")
    connection.commit()


def write(connection: Any, events: pd.DataFrame, table: str = "events") -> int:
    """Add the events the table does not hold yet; return how many were added."""
    from psycopg import sql

    create(connection, table)
    frame = conform(events)
    names = list(EVENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TEMPORARY TABLE incoming (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
                _identifier(table)
            )
        )
        copy = sql.SQL("COPY incoming ({}) FROM STDIN (FORMAT csv, NULL '\\N')").format(
            sql.SQL(", ").join(map(_identifier, names))
        )
        with cursor.copy(copy) as stream:
            for start in range(0, len(frame), 100_000):  # CSV text a slice at a time: memory stays bounded
                part = frame.iloc[start : start + 100_000]
                stream.write(part.to_csv(index=False, header=False, na_rep="\\N", date_format="%Y-%m-%d %H:%M:%S"))
        cursor.execute(
            sql.SQL("INSERT INTO {} SELECT * FROM incoming ON CONFLICT (event_id) DO NOTHING").format(
                _identifier(table)
            )
        )
        added = int(cursor.rowcount)
        if added:
            cursor.execute("UPDATE conflictmap_store SET version = version + 1")
    connection.commit()
    return added
