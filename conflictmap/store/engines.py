"""Opening a store from the one setting, `CONFLICTMAP_STORE` (see `conflictmap.settings.store_url`):

- `duckdb:///path/DIR`: the Parquet store folder written by `python -m conflictmap import FILE -o DIR/`,
  read by an embedded DuckDB;
- `postgresql://user@host:port/db` (any libpq URL; `?table=NAME` picks the table, default `events`;
  `?host=/socket/dir` reaches a server by its unix socket): a team's shared database;
- `spark://local` or `spark://HOST:PORT` (a cluster's master), optionally followed by a Parquet
  store folder (`spark://local/path/DIR`) or `?table=NAME` for a table of the cluster's catalog.

Each engine is reached through Ibis, so one code path (`conflictmap.store.sql.SqlStore`) asks them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from conflictmap.errors import ConflictmapError
from conflictmap.store import parquet
from conflictmap.store.base import StoreError
from conflictmap.store.sql import SqlStore

SCHEMES = ("duckdb", "postgresql", "postgres", "spark")
#: Spark for an app's questions: small answers, so few shuffle partitions; no web UI or console bar;
#: the session's time zone UTC, so that dates are the days the files hold.
SPARK_CONFIG = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def open_store(url: str) -> SqlStore:
    """The store a `CONFLICTMAP_STORE` URL names (raises ConflictmapError for a URL it cannot use)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "duckdb":
        return duckdb_store(Path(urlsplit(url).path))
    if scheme in ("postgresql", "postgres"):
        return postgres_store(url)
    if scheme == "spark":
        return spark_store(url)
    raise ConflictmapError(
        f"CONFLICTMAP_STORE={describe(url)!r}: not a store (expected one of {', '.join(SCHEMES)}://…)"
    )


def duckdb_store(directory: Path) -> SqlStore:
    import ibis

    directory = Path(directory)
    if not str(directory) or str(directory) == ".":
        raise ConflictmapError("CONFLICTMAP_STORE=duckdb:///path/DIR needs the store's folder")
    con = ibis.duckdb.from_connection(parquet.connect_duckdb())
    con.raw_sql("SET parquet_metadata_cache = true")
    cached: dict[str, Any] = {}

    def table() -> Any:
        if "table" not in cached:
            cached["table"] = parquet.duckdb_table(directory, con)
        return cached["table"]

    return SqlStore("duckdb", table, lambda: parquet.version(directory), f"duckdb:{directory}")


def _split_table(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    table = next((value for key, value in query if key == "table"), "events")
    rest = urlencode([(key, value) for key, value in query if key != "table"])
    return urlunsplit(parts._replace(query=rest)), table


def postgres_store(url: str, statement_timeout_ms: int = 60_000) -> SqlStore:
    """A PostgreSQL table of the schema's columns (written by `conflictmap.store.postgres.write`)."""
    import ibis

    conninfo, table_name = _split_table(url.replace("postgres://", "postgresql://", 1))
    name = describe(url)
    state: dict[str, Any] = {}

    def backend() -> Any:
        if "con" not in state:
            import psycopg

            try:
                raw = psycopg.connect(conninfo, autocommit=True, options=f"-c statement_timeout={statement_timeout_ms}")
            except psycopg.Error as error:
                raise StoreError(
                    f"the event store {name} cannot be reached: {str(error).strip().splitlines()[0]}"
                ) from error
            state["con"] = ibis.postgres.from_connection(raw)
        return state["con"]

    def table() -> Any:
        try:
            return backend().table(table_name)
        except StoreError:
            raise
        except Exception:
            state.pop("con", None)  # reconnect on the next question (the server may be back)
            raise

    def version() -> str:
        con = backend()
        try:
            with con.raw_sql("SELECT version FROM conflictmap_store LIMIT 1") as cursor:
                row = cursor.fetchone()
        except Exception:
            state.pop("con", None)
            raise
        return f"postgres:{row[0] if row else 0}"

    return SqlStore("postgres", table, version, name)


def spark_store(url: str) -> SqlStore:
    """Spark through Ibis's PySpark backend: `spark://local` runs Spark in this process (local mode)."""
    import ibis

    parts = urlsplit(url)
    master = "local[2]" if parts.hostname in (None, "", "local") else f"spark://{parts.netloc}"
    _, table_name = _split_table(url)
    path = parts.path if parts.path not in ("", "/") else None
    state: dict[str, Any] = {}

    def backend() -> Any:
        if "con" not in state:
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.master(master).appName("conflictmap")
            for key, value in SPARK_CONFIG.items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
            session.sparkContext.setLogLevel("ERROR")
            state["con"] = ibis.pyspark.connect(session)
        return state["con"]

    def table() -> Any:
        if "table" not in state:
            con = backend()
            state["table"] = con.read_parquet(str(Path(path) / parquet.EVENTS)) if path else con.table(table_name)
        return state["table"]

    def version() -> str:
        return parquet.version(Path(path)) if path else f"spark:{table_name}"

    return SqlStore("pyspark", table, version, describe(url))
