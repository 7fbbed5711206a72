from django.db import migrations


def seed(apps, schema_editor):
    from silta.events.themes import ensure_themes

    ensure_themes(apps.get_model("events", "EventTheme"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
