"""Loading the municipalities of 2026: what an operator sees when the file is right or wrong.

The session already holds the shipped file (conftest); each test runs in a transaction, so
tests that empty or change the tables leave nothing behind.
"""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from silta.places.loader import DEFAULT_CSV, PlacesFileError, load
from silta.places.models import Municipality, Region, WellbeingCounty

pytestmark = pytest.mark.django_db

SHIPPED = DEFAULT_CSV.read_text(encoding="utf-8")


def rows_of(text: str = SHIPPED) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames), list(reader)


def csv_text(header: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def line_of(rows: list[dict], code: str) -> int:
    """The line number an editor shows for a municipality (the header is line 1)."""
    return next(i for i, r in enumerate(rows) if r["code"] == code) + 2


def write(tmp_path, text: str, name="kunnat.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def db_state() -> dict:
    return {
        "municipalities": sorted(
            Municipality.objects.values_list(
                "code",
                "name_fi",
                "name_sv",
                "name_en",
                "language_status",
                "region__code",
                "wellbeing_county__code",
            )
        ),
        "regions": sorted(Region.objects.values_list("code", "name_fi", "name_sv", "name_en")),
        "counties": sorted(
            WellbeingCounty.objects.values_list("code", "name_fi", "name_sv", "name_en")
        ),
    }


# -- the shipped file ---------------------------------------------------------------------------


def test_loading_into_an_empty_database_creates_308_municipalities_19_regions_23_counties():
    Municipality.objects.all().delete()
    Region.objects.all().delete()
    WellbeingCounty.objects.all().delete()

    result = load()

    assert (result.municipalities, result.regions, result.counties) == (308, 19, 23)
    assert (result.created, result.updated, result.unchanged) == (308, 0, 0)
    assert Municipality.objects.count() == 308
    assert Region.objects.count() == 19
    assert WellbeingCounty.objects.count() == 23


def test_codes_are_zero_padded_text():
    helsinki = Municipality.objects.get(code="091")
    alajarvi = Municipality.objects.get(code="005")
    assert helsinki.name_fi == "Helsinki"
    assert alajarvi.name_fi == "Alajärvi"
    assert Region.objects.get(code="01").name_fi == "Uusimaa"
    # Every code is exactly three digits: no "91" or "5" slipped through as a number.
    assert {len(c) for c in Municipality.objects.values_list("code", flat=True)} == {3}
    assert not Municipality.objects.filter(code="91").exists()
    assert helsinki.get_absolute_url().endswith("/091/")


def test_names_in_three_languages_follow_the_active_language():
    oulu = Municipality.objects.select_related("region").get(code="564")
    helsinki = Municipality.objects.get(code="091")
    assert oulu.names() == {"fi": "Oulu", "sv": "Uleåborg", "en": "Oulu"}
    assert (helsinki.name_fi, helsinki.name_sv) == ("Helsinki", "Helsingfors")
    with translation.override("sv"):
        assert str(oulu) == "Uleåborg"
        assert oulu.region.name == "Norra Österbotten"
    with translation.override("fi"):
        assert str(oulu) == "Oulu"
        assert oulu.region.name == "Pohjois-Pohjanmaa"
    with translation.override("en"):
        assert oulu.region.name == "North Ostrobothnia"


def test_language_statuses_are_parsed():
    S = Municipality.LanguageStatus
    assert Municipality.objects.get(code="091").language_status == S.BILINGUAL_FI
    assert Municipality.objects.get(code="149").language_status == S.BILINGUAL_SV  # Inkoo
    assert Municipality.objects.get(code="478").language_status == S.SWEDISH  # Maarianhamina
    assert Municipality.objects.get(code="564").language_status == S.FINNISH
    assert Municipality.objects.get(code="091").is_bilingual
    assert not Municipality.objects.get(code="564").is_bilingual
    counts = {s: Municipality.objects.filter(language_status=s).count() for s in S.values}
    assert counts == {"fi": 259, "sv": 16, "fi-sv": 18, "sv-fi": 15}


def test_helsinki_and_aland_have_their_own_counties():
    assert Municipality.objects.get(code="091").wellbeing_county.name_fi == "Helsingin kaupunki"
    assert Municipality.objects.get(code="478").wellbeing_county.name_sv == "Åland"


def test_loading_twice_changes_nothing(django_assert_max_num_queries):
    before = db_state()
    pks = dict(Municipality.objects.values_list("code", "pk"))

    # A reload must not cost a query per municipality.
    with django_assert_max_num_queries(200):
        result = load()

    assert (result.created, result.updated, result.unchanged) == (0, 0, 308)
    assert db_state() == before
    assert dict(Municipality.objects.values_list("code", "pk")) == pks


def test_a_changed_name_is_updated_in_place(tmp_path):
    header, rows = rows_of()
    oulu_pk = Municipality.objects.get(code="564").pk
    for row in rows:
        if row["code"] == "564":
            row["name_en"] = "Oulu (City)"

    result = load(write(tmp_path, csv_text(header, rows)))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 307)
    oulu = Municipality.objects.get(code="564")
    assert oulu.pk == oulu_pk
    assert oulu.name_en == "Oulu (City)"
    assert oulu.name_sv == "Uleåborg"
    assert Municipality.objects.count() == 308


def test_a_moved_municipality_gets_its_new_region(tmp_path):
    header, rows = rows_of()
    for row in rows:
        if row["code"] == "244":  # Kempele, as if moved to Kainuu
            row.update(
                region_code="18",
                region_name_fi="Kainuu",
                region_name_sv="Kajanaland",
                region_name_en="Kainuu",
            )

    result = load(write(tmp_path, csv_text(header, rows)))

    assert result.updated == 1
    assert Municipality.objects.get(code="244").region.code == "18"


def test_codes_without_leading_zeros_are_padded(tmp_path):
    header, rows = rows_of()
    for row in rows:
        if row["code"] == "091":
            row["code"] = "91"
            row["region_code"] = "1"

    result = load(write(tmp_path, csv_text(header, rows)))

    assert result.created == 0 and result.updated == 0
    assert not Municipality.objects.filter(code="91").exists()
    assert Municipality.objects.get(code="091").region.code == "01"


# -- bad files change nothing --------------------------------------------------------------------


def _with_good_changes_first(rows):
    """Valid changes before the bad row: they must not be written either."""
    for row in rows:
        if row["code"] == "005":
            row["name_fi"] = "Alajärvi MUUTETTU"
    rows.append({**rows[0], "code": "998", "name_fi": "Uusi kunta"})


def _bad_code(rows):
    rows[183]["code"] = "5A4"
    return line_of(rows, "5A4"), ["kuntanumero '5A4' ei ole 1–3 numeroa"]


def _duplicate_code(rows):
    line = line_of(rows, "244")
    rows[line - 2]["code"] = "091"
    return line, ["kuntanumero 091 on jo rivillä 34"]


def _unknown_status(rows):
    line = line_of(rows, "564")
    rows[line - 2]["language_status"] = "Trilingual municipality"
    return line, ["tuntematon kielisyys 'Trilingual municipality'"]


def _empty_name(rows):
    line = line_of(rows, "564")
    rows[line - 2]["name_fi"] = "   "
    return line, ["sarake name_fi on tyhjä"]


def _bad_region_code(rows):
    line = line_of(rows, "564")
    rows[line - 2]["region_code"] = "POP"
    return line, ["maakunnan koodi 'POP' ei ole 1–2 numeroa"]


@pytest.mark.parametrize(
    "spoil",
    [_bad_code, _duplicate_code, _unknown_status, _empty_name, _bad_region_code],
    ids=[
        "non-numeric code",
        "duplicate code",
        "unknown language status",
        "empty name",
        "bad region code",
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_changes(tmp_path, spoil):
    header, rows = rows_of()
    _with_good_changes_first(rows)
    line, fragments = spoil(rows)
    before = db_state()

    with pytest.raises(PlacesFileError) as caught:
        load(write(tmp_path, csv_text(header, rows)))

    message = str(caught.value)
    assert f"Rivi {line}:" in message
    for fragment in fragments:
        assert fragment in message
    assert db_state() == before
    assert Municipality.objects.get(code="005").name_fi == "Alajärvi"
    assert not Municipality.objects.filter(code="998").exists()


def test_every_bad_row_is_listed_at_once(tmp_path):
    header, rows = rows_of()
    rows[9]["code"] = "x"
    rows[99]["language_status"] = ""
    with pytest.raises(PlacesFileError) as caught:
        load(write(tmp_path, csv_text(header, rows)))
    assert len(caught.value.errors) == 2
    assert caught.value.errors[0].startswith("Rivi 11:")
    assert caught.value.errors[1].startswith("Rivi 101:")


def test_line_numbers_count_blank_lines_as_an_editor_does(tmp_path):
    header, rows = rows_of()
    rows[2]["code"] = "abc"  # line 5 of the file below, after one blank line
    text = csv_text(header, rows[:2]) + "\n" + csv_text(header, rows[2:]).split("\n", 1)[1]
    assert text.splitlines()[4].startswith("abc,")

    with pytest.raises(PlacesFileError) as caught:
        load(write(tmp_path, text))

    assert caught.value.errors == ["Rivi 5: kuntanumero 'abc' ei ole 1–3 numeroa"]


def test_a_missing_column_is_named_and_nothing_changes(tmp_path):
    header, rows = rows_of()
    _with_good_changes_first(rows)
    header.remove("language_status")
    for row in rows:
        del row["language_status"]
    before = db_state()

    with pytest.raises(PlacesFileError) as caught:
        load(write(tmp_path, csv_text(header, rows)))

    assert str(caught.value) == "Tiedostosta puuttuu sarakkeita: language_status"
    assert db_state() == before


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    header, rows = rows_of()
    _with_good_changes_first(rows)
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text(header, rows).encode("latin-1", errors="replace"))
    before = db_state()

    with pytest.raises(PlacesFileError) as caught:
        load(path)

    assert "ei ole UTF-8-muotoinen" in str(caught.value)
    assert db_state() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Tiedostosta puuttuu sarakkeita: code, name_fi"),
        (SHIPPED.split("\n", 1)[0] + "\n", "Tiedostossa ei ole yhtään kuntaa."),
    ],
    ids=["empty file", "header only"],
)
def test_an_empty_file_is_refused(tmp_path, text, expected):
    before = db_state()
    with pytest.raises(PlacesFileError) as caught:
        load(write(tmp_path, text))
    assert str(caught.value).startswith(expected)
    assert db_state() == before


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(PlacesFileError) as caught:
        load(tmp_path / "ei-ole.csv")
    assert "Tiedostoa ei löydy" in str(caught.value)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + SHIPPED, encoding="utf-8")
    assert load(path).unchanged == 308


# -- the management command ---------------------------------------------------------------------


def test_command_reports_what_it_did():
    out = io.StringIO()
    call_command("load_places", stdout=out)
    assert out.getvalue().strip() == (
        "Kunnat: 308 (0 uutta, 0 päivitetty, 308 ennallaan); maakuntia 19, hyvinvointialueita 23."
    )


def test_command_with_a_bad_file_gives_a_clear_finnish_error(tmp_path):
    header, rows = rows_of()
    _with_good_changes_first(rows)
    line, _fragments = _unknown_status(rows)
    before = db_state()

    with pytest.raises(CommandError) as caught:
        call_command("load_places", str(write(tmp_path, csv_text(header, rows))))

    message = str(caught.value)
    assert message.startswith("Kuntia ei ladattu, mitään ei muutettu:\n")
    assert f"Rivi {line}: tuntematon kielisyys" in message
    assert db_state() == before


def test_command_with_a_missing_file_gives_a_clear_finnish_error(tmp_path):
    with pytest.raises(CommandError, match="Tiedostoa ei löydy"):
        call_command("load_places", str(tmp_path / "puuttuu.csv"))
