"""The questionnaires that ship with Silta (silta/surveys/shipped.py). The loader is
idempotent: a questionnaire whose key exists is left as it is."""

from django.db import migrations


def load(apps, schema_editor):
    from silta.surveys.shipped import ensure_templates

    class Models:
        Questionnaire = apps.get_model("surveys", "Questionnaire")
        Section = apps.get_model("surveys", "Section")
        Question = apps.get_model("surveys", "Question")
        Choice = apps.get_model("surveys", "Choice")

    ensure_templates(Models)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
