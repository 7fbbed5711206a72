"""SQLite: the full-text index also holds each row's municipalities (search_scope), so a
search in a municipality is answered from the index alone (decision 0011). Replaces the
FTS5 tables of 0006; PostgreSQL is unchanged."""

from django.db import migrations


def forwards(apps, schema_editor):
    """Nothing here: ensure_sqlite() runs after migrate (apps.py), drops the tables of 0006
    and makes the new ones."""


def backwards(apps, schema_editor):
    from silta.associations import fulltext

    if schema_editor.connection.vendor == "sqlite":
        fulltext.drop_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("associations", "0009_name_order_index")]
    operations = [migrations.RunPython(forwards, backwards)]
