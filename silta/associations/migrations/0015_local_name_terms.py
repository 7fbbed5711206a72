"""PostgreSQL: the municipality's terms of a row hold its name's terms a second time, marked
("33n:kylä"), so that a search in a municipality reads its name matches, the first tier,
from the GIN index (decision 0017). The column and its index are made anew."""

from django.db import migrations


def forwards(apps, schema_editor):
    from silta.associations import fulltext

    if schema_editor.connection.vendor == "postgresql":
        fulltext.create_postgres_local(schema_editor.connection, names=True)


def backwards(apps, schema_editor):
    from silta.associations import fulltext

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for table in fulltext.TABLES:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_local_vector")
        fulltext.create_postgres_local(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("associations", "0014_local_vectors")]
    operations = [migrations.RunPython(forwards, backwards)]
