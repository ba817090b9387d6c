"""Event stores behind one query interface (`EventStore`): in memory (pandas, the default) or in an
engine built for data larger than memory (DuckDB over Parquet, PostgreSQL, Spark), through Ibis."""

from conflictmap.store.base import EventStore, MapInput, StoreError, TablePage
from conflictmap.store.memory import MemoryStore

__all__ = ["EventStore", "MapInput", "MemoryStore", "StoreError", "TablePage"]
