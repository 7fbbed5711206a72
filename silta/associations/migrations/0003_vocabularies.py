from django.db import migrations

THEMES = [
    ("sport", "Urheilu ja liikunta", "Idrott och motion", "Sport and exercise"),
    ("culture", "Kulttuuri", "Kultur", "Culture"),
    ("village", "Kylätoiminta", "Byaverksamhet", "Village activities"),
    ("pensioners", "Eläkeläiset", "Pensionärer", "Pensioners"),
    ("children-families", "Lapset ja perheet", "Barn och familjer", "Children and families"),
    ("health-disability", "Terveys ja vammaisuus", "Hälsa och funktionsnedsättning", "Health and disability"),
    ("veterans", "Veteraanit", "Veteraner", "Veterans"),
    ("nature-hunting", "Luonto ja metsästys", "Natur och jakt", "Nature and hunting"),
    ("scouting", "Partio", "Scouting", "Scouting"),
    ("religion", "Uskonnollinen toiminta", "Religiös verksamhet", "Religion"),
    ("education", "Sivistys ja koulutus", "Bildning och utbildning", "Education"),
    ("multicultural", "Monikulttuurisuus", "Mångkultur", "Multicultural"),
    ("youth", "Nuoriso", "Ungdom", "Youth"),
    ("other", "Muu", "Annat", "Other"),
]

TARGET_GROUPS = [
    ("everyone", "Kaikki", "Alla", "Everyone"),
    ("children", "Lapset", "Barn", "Children"),
    ("youth", "Nuoret", "Unga", "Young people"),
    ("families", "Perheet", "Familjer", "Families"),
    ("adults", "Aikuiset", "Vuxna", "Adults"),
    ("seniors", "Ikäihmiset", "Äldre", "Older people"),
    ("disabled", "Vammaiset henkilöt", "Personer med funktionsnedsättning", "People with disabilities"),
    ("immigrants", "Maahan muuttaneet", "Inflyttade", "Immigrants"),
    ("caregivers", "Omaishoitajat", "Närståendevårdare", "Family carers"),
]


def seed(apps, schema_editor):
    for model_name, rows in (("Theme", THEMES), ("TargetGroup", TARGET_GROUPS)):
        model = apps.get_model("associations", model_name)
        for order, (slug, fi, sv, en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "order": order * 10}
            )


class Migration(migrations.Migration):
    dependencies = [("associations", "0002_directory")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
