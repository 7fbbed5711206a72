"""Full-text indexes that search reads instead of every row (decision 0010): stored tsvector
columns with GIN indexes on PostgreSQL, FTS5 tables with triggers on SQLite. Neither is a
model field; see fulltext.py."""

from django.db import migrations


def forwards(apps, schema_editor):
    from silta.associations import fulltext

    # SQLite: made after migrate by ensure_sqlite (apps.py), once every table has its final
    # shape (a view over a table would stop Django from rebuilding that table).
    if schema_editor.connection.vendor == "postgresql":
        fulltext.create_postgres(schema_editor.connection)


def backwards(apps, schema_editor):
    from silta.associations import fulltext

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        fulltext.drop_postgres(connection)
        with connection.cursor() as cursor:
            for table in fulltext.TABLES:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_fts ON {table} USING gin "
                    f"(to_tsvector('simple'::regconfig, COALESCE(search_name, '') || ' ' || "
                    f"COALESCE(search_text, '')))"
                )
    elif connection.vendor == "sqlite":
        fulltext.drop_sqlite(connection)


class Migration(migrations.Migration):
    dependencies = [("associations", "0005_import_jobs")]
    operations = [migrations.RunPython(forwards, backwards)]
