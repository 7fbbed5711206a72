"""The full-text indexes behind search.py, outside the models (decision 0010).

PostgreSQL: stored generated tsvector columns with GIN indexes, made once by migration 0006;
PostgreSQL keeps them up to date itself.

SQLite: an FTS5 table per searchable table (external content: it holds only the index and
reads the documents from the table), kept by triggers. Django rebuilds a SQLite table to
alter it (new table, copy, drop, rename), and dropping the old table drops its triggers;
so `ensure_sqlite()` runs after every migrate (apps.py), recreates what is missing and then
rebuilds that table's index from the documents.
"""

# ruff: noqa: S608 - table names are our own constants (TABLES), never input

TABLES = ["associations_association", "associations_activity"]


def _postgres_sql(table: str) -> list[str]:
    both = "COALESCE(search_name, '') || ' ' || COALESCE(search_text, '')"
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {both})) STORED",
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_name_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_name, ''))) "
        f"STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {table}_search_name_vector ON {table} "
        f"USING gin (search_name_vector)",
        # The expression index of migration 0004 is replaced by the column's index.
        f"DROP INDEX IF EXISTS {table}_fts",
    ]


def create_postgres(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for sql in _postgres_sql(table):
                cursor.execute(sql)


def drop_postgres(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_name_vector")


def _sqlite_triggers(table: str) -> dict[str, str]:
    fts = f"{table}_fts"
    insert = (
        f"INSERT INTO {fts}(rowid, search_name, search_text) "
        f"VALUES (new.id, new.search_name, new.search_text);"
    )
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, search_name, search_text) "
        f"VALUES ('delete', old.id, old.search_name, old.search_text);"
    )
    return {
        f"{fts}_ai": f"AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_ad": f"AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_au": f"AFTER UPDATE OF search_name, search_text ON {table} "
        f"BEGIN {delete} {insert} END",
    }


def ensure_sqlite(connection) -> list[str]:
    """Creates the FTS5 tables and triggers that are missing; rebuilds the index of a table
    whose table or triggers were missing. Returns the tables rebuilt."""
    rebuilt = []
    with connection.cursor() as cursor:
        existing = {
            name
            for (name,) in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
            ).fetchall()
        }
        for table in TABLES:
            if table not in existing:
                continue
            fts = f"{table}_fts"
            missing = fts not in existing
            if missing:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {fts} USING fts5(search_name, search_text, "
                    f"content='{table}', content_rowid='id', "
                    f"tokenize='unicode61 remove_diacritics 0')"
                )
            for name, body in _sqlite_triggers(table).items():
                if name not in existing:
                    missing = True
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
            if missing:
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                rebuilt.append(table)
    return rebuilt


def drop_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            fts = f"{table}_fts"
            for name in _sqlite_triggers(table):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def ensure(connection) -> None:
    if connection.vendor == "postgresql":
        create_postgres(connection)
    elif connection.vendor == "sqlite":
        ensure_sqlite(connection)
