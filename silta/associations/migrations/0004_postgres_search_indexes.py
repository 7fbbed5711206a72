"""PostgreSQL only: full-text GIN indexes over the search documents and a trigram index on
names. SQLite matches the same documents with LIKE (see search.py)."""

from django.db import migrations

TABLES = ["associations_association", "associations_activity"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in TABLES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_fts ON {table} USING gin "
                f"(to_tsvector('simple'::regconfig, COALESCE(search_name, '') || ' ' || "
                f"COALESCE(search_text, '')))"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} "
                f"USING gin (name_fi gin_trgm_ops)"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP INDEX IF EXISTS {table}_fts")
            cursor.execute(f"DROP INDEX IF EXISTS {table}_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("associations", "0003_vocabularies")]
    operations = [migrations.RunPython(forwards, backwards)]
