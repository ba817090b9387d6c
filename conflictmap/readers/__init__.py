"""Reading the files analysts bring into canonical events (see `conflictmap.schema`).

`importing.import_file` is the entry point: it detects what a file is (`detect`), splits it into
text columns (`splitting`, `excel` into a `table.RawTable`) and hands the table to the reader of its
format — `ucdp`, `acled`, `gdelt`, `generic` (any other table, by its headers) or `curated` (the
project's own CSV) — each a pure function from a table to a `table.ReadResult`, checked row by row
by `validation`.
"""
