"""PostgreSQL: the terms of associations and activities prefixed by their (home)
municipality, with GIN indexes, so a search in one municipality reads only its postings
(decision 0014). SQLite's FTS5 index already holds the municipality (0011)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from silta.associations import fulltext

    if schema_editor.connection.vendor == "postgresql":
        fulltext.create_postgres_local(schema_editor.connection)


def backwards(apps, schema_editor):
    from silta.associations import fulltext

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for table in fulltext.TABLES:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_local_vector")


class Migration(migrations.Migration):
    dependencies = [("associations", "0013_confirmed_index")]
    operations = [migrations.RunPython(forwards, backwards)]
