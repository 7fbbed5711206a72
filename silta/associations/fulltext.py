"""The full-text indexes behind search.py, outside the models (decision 0010).

PostgreSQL: stored generated tsvector columns with GIN indexes, made once by migration 0006;
PostgreSQL keeps them up to date itself.

SQLite: an FTS5 table per searchable table (external content: it holds only the index and
reads the documents from a view over the table), kept by triggers. Django rebuilds a SQLite
table to alter it (new table, copy, drop, rename), and dropping the old table drops its
triggers; so `ensure_sqlite()` runs after every migrate (apps.py), recreates what is missing
and then rebuilds that table's index from the documents.
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


# A search in one municipality: a prefix ("kyl") in the plain vector is expanded over the
# whole country's terms before the municipality narrows the matches. A second vector holds
# every term prefixed by the row's municipality (an association: its home municipality),
# "33:kylä", so a search in Helsinki reads only Helsinki's postings (decision 0014). The
# documents are already lists of terms separated by spaces (search.document()); an empty
# one gives an empty vector.
_LOCAL_DOCUMENT = "' ' || COALESCE(search_name, '') || ' ' || COALESCE(search_text, '')"


# The name's terms are there a second time with the marker "n" ("33n:kylä"), so that the
# rows whose name matches, the first tier of a search, are a GIN query of their own instead
# of a check of every match's name vector (decision 0017; migration 0015).
_LOCAL_NAME_DOCUMENT = "' ' || COALESCE(search_name, '')"


def _local_sql(table: str, *, names: bool = True) -> list[str]:
    terms = (
        f"regexp_replace({_LOCAL_DOCUMENT}, "
        r"'\s+(\S)', ' ' || municipality_id::text || ':\1', 'g')"
    )
    if names:
        terms += (
            f" || ' ' || regexp_replace({_LOCAL_NAME_DOCUMENT}, "
            r"'\s+(\S)', ' ' || municipality_id::text || 'n:\1', 'g')"
        )
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_local_vector tsvector "
        f"GENERATED ALWAYS AS (CASE WHEN btrim({_LOCAL_DOCUMENT}) = '' THEN ''::tsvector "
        f"ELSE array_to_tsvector(regexp_split_to_array(btrim({terms}), '\\s+')) END) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_local_vector "
        f"ON {table} USING gin (search_local_vector)",
    ]


def create_postgres(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            for sql in _postgres_sql(table):
                cursor.execute(sql)


def create_postgres_local(connection, *, names: bool = False) -> None:
    """Migration 0014 (the municipality's terms), and 0015 with `names` (the name's terms
    marked too): the column is made anew, its GIN index with it."""
    with connection.cursor() as cursor:
        for table in TABLES:
            if names:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_local_vector")
            for sql in _local_sql(table, names=names):
                cursor.execute(sql)


def drop_postgres(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_name_vector")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_local_vector")


# --- SQLite -----------------------------------------------------------------------------
#
# Each FTS5 table indexes three columns of a view over its table: the two documents and
# `search_scope`, the row's place as tokens: "m<id>" for the association's home municipality
# and every municipality it acts in (an activity: its municipality), and "lakannut" for a
# dissolved association. A search in a municipality is then one full-text expression
# (`... AND search_scope : m33 NOT search_scope : lakannut`) that FTS5 answers from its own
# postings, counts included, instead of listing the country's matches (decision 0011).
#
# The view computes the scope from the association's municipalities, so the triggers keep
# the index in step with both tables: before a change they remove the row's entry as the
# view shows it then, after the change they add it as the view shows it now. An FTS5
# external-content index must be given exactly the values it indexed when an entry is
# removed, and these are those values.

OLD_SQLITE = {  # before 0010: FTS5 tables over the table itself, without the scope
    "associations_association_fts": [
        "associations_association_fts_ai",
        "associations_association_fts_ad",
        "associations_association_fts_au",
    ],
    "associations_activity_fts": [
        "associations_activity_fts_ai",
        "associations_activity_fts_ad",
        "associations_activity_fts_au",
    ],
}
M2M = "associations_association_municipalities"
SCOPES = {
    "associations_association": (
        "' m' || t.municipality_id || COALESCE((SELECT group_concat(tok, '') FROM "
        f"(SELECT ' m' || u.municipality_id AS tok FROM {M2M} u "
        "WHERE u.association_id = t.id ORDER BY u.municipality_id)), '') || "
        "CASE WHEN t.status = 'dissolved' THEN ' lakannut' ELSE '' END"
    ),
    # "piilo": not public (unpublished, or its association dissolved), so that a public
    # search leaves it out in the index instead of reading each match and its association.
    "associations_activity": (
        "' m' || t.municipality_id || CASE WHEN t.is_published = 0 OR EXISTS (SELECT 1 FROM "
        "associations_association a WHERE a.id = t.association_id AND a.status = 'dissolved') "
        "THEN ' piilo' ELSE '' END"
    ),
}
# Columns whose change changes the row's entry.
WATCHED = {
    "associations_association": "search_name, search_text, municipality_id, status",
    "associations_activity": (
        "search_name, search_text, municipality_id, is_published, association_id"
    ),
}


# Indexes Django cannot declare for SQLite alone: the public order of activities with its
# NULLs last (models.activity_public_order()); and what sorting a search's matches needs of
# an association, by id (the planner reads this narrow index instead of the wide rows).
SQLITE_INDEXES = {
    "associations_association_by_id": (
        "CREATE INDEX associations_association_by_id ON associations_association "
        "(id, status, name_fi)"
    ),
    "associations_activity_public_order": (
        "CREATE INDEX associations_activity_public_order ON associations_activity "
        "(municipality_id, is_published, weekday IS NULL, weekday, start_time IS NULL, "
        "start_time, starts_at IS NULL, starts_at, name_fi)"
    ),
}


def fts_table(table: str) -> str:
    return f"{table}_search"


def _view(table: str) -> str:
    return f"{table}_search_source"


def _sqlite_objects(table: str) -> dict[str, tuple[str, str]]:
    """name → (type, SQL) of the view, the FTS5 table and the triggers of `table`."""
    fts, view = fts_table(table), _view(table)
    columns = "search_name, search_text, search_scope"

    def add(key):
        return (
            f"INSERT INTO {fts}(rowid, {columns}) "
            f"SELECT id, {columns} FROM {view} WHERE id = {key};"
        )

    def remove(key):
        return (
            f"INSERT INTO {fts}({fts}, rowid, {columns}) "
            f"SELECT 'delete', id, {columns} FROM {view} WHERE id = {key};"
        )

    objects = {
        view: (
            "view",
            f"CREATE VIEW {view} AS SELECT t.id AS id, t.search_name AS search_name, "
            f"t.search_text AS search_text, {SCOPES[table]} AS search_scope FROM {table} t",
        ),
        fts: (
            "table",
            f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{view}', "
            f"content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4 5 6 7 8 9 10 11 12 13 14')",
        ),
        f"{fts}_ai": (
            "trigger",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add('new.id')} END",
        ),
        f"{fts}_bu": (
            "trigger",
            f"CREATE TRIGGER {fts}_bu BEFORE UPDATE OF {WATCHED[table]} ON {table} "
            f"BEGIN {remove('old.id')} END",
        ),
        f"{fts}_au": (
            "trigger",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {WATCHED[table]} ON {table} "
            f"BEGIN {add('new.id')} END",
        ),
        f"{fts}_bd": (
            "trigger",
            f"CREATE TRIGGER {fts}_bd BEFORE DELETE ON {table} BEGIN {remove('old.id')} END",
        ),
    }
    if table == "associations_activity":
        # An association dissolved or restored hides or shows its activities ("piilo").
        theirs = "(SELECT id FROM associations_activity WHERE association_id = {})"
        many_remove = (
            f"INSERT INTO {fts}({fts}, rowid, {columns}) SELECT 'delete', id, {columns} "
            f"FROM {view} WHERE id IN {theirs.format('old.id')};"
        )
        many_add = (
            f"INSERT INTO {fts}(rowid, {columns}) SELECT id, {columns} FROM {view} "
            f"WHERE id IN {theirs.format('new.id')};"
        )
        objects.update(
            {
                f"{fts}_sbu": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_sbu BEFORE UPDATE OF status ON "
                    f"associations_association BEGIN {many_remove} END",
                ),
                f"{fts}_sau": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_sau AFTER UPDATE OF status ON "
                    f"associations_association BEGIN {many_add} END",
                ),
            }
        )
    if table == "associations_association":
        objects.update(
            {
                f"{fts}_mbi": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_mbi BEFORE INSERT ON {M2M} BEGIN {remove('new.association_id')} END",
                ),
                f"{fts}_mai": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_mai AFTER INSERT ON {M2M} BEGIN {add('new.association_id')} END",
                ),
                f"{fts}_mbd": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_mbd BEFORE DELETE ON {M2M} BEGIN {remove('old.association_id')} END",
                ),
                f"{fts}_mad": (
                    "trigger",
                    f"CREATE TRIGGER {fts}_mad AFTER DELETE ON {M2M} BEGIN {add('old.association_id')} END",
                ),
            }
        )
    return objects


def ensure_sqlite(connection) -> list[str]:
    """Creates the views, FTS5 tables and triggers that are missing (and drops those of the
    layout before 0010); rebuilds the index of a table whose objects were missing. Returns
    the tables rebuilt."""
    rebuilt = []
    with connection.cursor() as cursor:
        schema = dict(
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger', 'view')"
            ).fetchall()
        )
        existing = set(schema)
        # An object made by an earlier version (another prefix index, another view) is made
        # anew, and its table's index rebuilt.
        for table in TABLES:
            for name, (kind, sql) in _sqlite_objects(table).items():
                if name in schema and schema[name] != sql:
                    cursor.execute(f"DROP {kind.upper()} {name}")
                    existing.discard(name)
        for old, triggers in OLD_SQLITE.items():
            for trigger in triggers:
                if trigger in existing:
                    cursor.execute(f"DROP TRIGGER {trigger}")
            if old in existing:
                cursor.execute(f"DROP TABLE {old}")
        indexes = dict(
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
        )
        if "associations_activity" in existing:
            for name, sql in SQLITE_INDEXES.items():
                if name in indexes and indexes[name] != sql:
                    cursor.execute(f"DROP INDEX {name}")
                    indexes.pop(name)
                if name not in indexes:
                    cursor.execute(sql)
        for table in TABLES:
            if table not in existing or (table == TABLES[0] and M2M not in existing):
                continue
            missing = False
            for name, (_kind, sql) in _sqlite_objects(table).items():
                if name not in existing:
                    missing = True
                    cursor.execute(sql)
            if missing:
                fts = fts_table(table)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                rebuilt.append(table)
    return rebuilt


def check_sqlite(connection, table: str) -> None:
    """FTS5's own check that the index holds exactly what the view shows (raises if not)."""
    fts = fts_table(table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def drop_sqlite_views(connection) -> None:
    """The views and triggers only; the FTS5 tables stay (and are rebuilt by ensure_sqlite
    once the triggers are back)."""
    with connection.cursor() as cursor:
        for table in TABLES:
            for name, (kind, _sql) in _sqlite_objects(table).items():
                if kind == "trigger":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP VIEW IF EXISTS {_view(table)}")


def drop_sqlite(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            objects = _sqlite_objects(table)
            for name, (kind, _sql) in objects.items():
                if kind == "trigger":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts_table(table)}")
            cursor.execute(f"DROP VIEW IF EXISTS {_view(table)}")


def ensure(connection) -> None:
    if connection.vendor == "postgresql":
        create_postgres(connection)
    elif connection.vendor == "sqlite":
        ensure_sqlite(connection)
