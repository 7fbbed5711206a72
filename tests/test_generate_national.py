"""generate_national at a tiny size: counts, spread over the municipalities, Finnish search
as for associations made through the services, --reset, and the DEMO_MODE guard."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from silta.api import queries
from silta.associations import services
from silta.associations.management.commands._national_data import genitive
from silta.associations.management.commands.generate_national import generated
from silta.associations.models import Activity, Association, ContactPerson
from silta.places.models import Municipality

from .factories import AssociationFactory, municipality

SIZE, ACTIVITIES = 300, 900


def generate(**options):
    call_command(
        "generate_national",
        associations=options.pop("associations", SIZE),
        activities=options.pop("activities", ACTIVITIES),
        seed=options.pop("seed", 7),
        force=True,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
        **options,
    )


@pytest.fixture
def national(places):
    generate()


def test_counts_and_contacts(national):
    assert generated().count() == SIZE
    assert Activity.objects.filter(association__in=generated()).count() == ACTIVITIES
    contacts = ContactPerson.objects.filter(association__in=generated())
    assert contacts.consented().exists()
    assert contacts.filter(consent_given_at__isnull=True).exists()
    assert set(generated().values_list("status", flat=True)) <= {"active", "dormant", "dissolved"}
    assert not Association.objects.filter(pk__in=generated(), search_name="").exists()


def test_spread_over_municipalities_by_size(national):
    per = Counter(generated().values_list("municipality__code", flat=True))
    helsinki, espoo, oulu = per["091"], per["049"], per["564"]
    assert helsinki == max(per.values())
    assert helsinki > oulu > 0 and espoo > oulu / 2
    assert len(per) >= 100  # not only the cities
    assert Municipality.objects.count() == 308


def test_search_documents_are_what_services_write(national):
    for a in generated().order_by("pk")[:40]:
        copy = Association(
            name_fi=a.name_fi,
            name_sv=a.name_sv,
            name_en=a.name_en,
            short_description_fi=a.short_description_fi,
            description_fi=a.description_fi,
        )
        services.index(copy)
        assert (a.search_name, a.search_text) == (copy.search_name, copy.search_text)


@pytest.mark.parametrize(
    ("query", "word_in_name"),
    [
        ("yhdistyksen", "yhdistys"),
        ("urheiluseuran", "Urheiluseura"),
        ("eläkeläiset", "Eläkeläiset"),
        ("kuoro", "kuoro"),
    ],
)
def test_generated_found_by_finnish_search_like_service_made(national, query, word_in_name):
    oulu = municipality("564")
    by_service = services.create_association(
        None, municipality=oulu, name_fi=f"Palvelun {word_in_name} ry"
    )
    found = set(queries.associations(q=query).queryset().values_list("pk", flat=True))
    assert by_service.pk in found
    expected = set(
        generated()
        .exclude(status="dissolved")
        .filter(name_fi__icontains=word_in_name)
        .values_list("pk", flat=True)
    )
    assert expected, f"the seeded data should hold a name with {word_in_name}"
    assert expected <= found


def test_activities_found_in_inflected_finnish(national):
    found = queries.activities(q="kylätalolla").queryset()
    names = set(found.values_list("name_fi", flat=True))
    assert "Kuoro kylätalolla" in names


def test_reset_removes_only_generated(national):
    other = AssociationFactory(name_fi="Oikea Kyläyhdistys ry", register_number="123456")
    demo_like = AssociationFactory(name_fi="Demon seura ry", register_number="9123456")
    generate(reset=True, associations=0)
    assert not generated().exists()
    assert not Activity.objects.exists()
    assert not ContactPerson.objects.exists()
    assert set(Association.objects.values_list("pk", flat=True)) == {other.pk, demo_like.pk}


def test_second_run_changes_nothing_and_reset_regenerates(national):
    generate(seed=99)
    assert generated().count() == SIZE
    generate(reset=True, associations=50, activities=100)
    assert generated().count() == 50
    assert Activity.objects.filter(association__in=generated()).count() == 100


def test_refuses_outside_demo_mode(places, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("generate_national", associations=10, activities=10)
    assert not generated().exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Helsinki", "Helsingin"),
        ("Turku", "Turun"),
        ("Oulu", "Oulun"),
        ("Seinäjoki", "Seinäjoen"),
        ("Lappeenranta", "Lappeenrannan"),
        ("Ikaalinen", "Ikaalisten"),
        ("Hanko", "Hangon"),
        ("Harjavalta", "Harjavallan"),
        ("Iitti", "Iitin"),
        ("Finström", "Finströmin"),
        ("Kempele", "Kempeleen"),
        ("Kontiolahti", "Kontiolahden"),
    ],
)
def test_genitive_of_place_names(name, expected):
    assert genitive(name) == expected
