"""Editing an association and its activities: who may, what is saved, what the audit log
says, and bad input that changes nothing."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from silta.associations import search
from silta.associations.models import Activity, Association, TargetGroup, Theme
from silta.core.models import AuditLogEntry

from .editing_fixtures import activity_form_data, association_form_data, png_file
from .factories import AssociationFactory


def edit_url(association):
    return reverse("associations:edit", args=[association.pk])


@pytest.fixture
def vocab(db):
    return {
        "village": Theme.objects.get(slug="village"),
        "culture": Theme.objects.get(slug="culture"),
        "seniors": TargetGroup.objects.get(slug="seniors"),
    }


def test_member_edits_every_field_and_the_change_is_logged(world, vocab):
    a = world.oulu_association
    client = world.client("oulu_member")
    data = association_form_data(
        a,
        name_sv="Uleåborgs byaförening rf",
        name_en="Oulu Village Association",
        short_description_fi="Kylän yhteinen yhdistys.",
        description_fi="Järjestämme kyläkahvit ja talkoot.",
        description_en="We organise village coffee.",
        register_number="123.456",
        business_id="0112038-9",
        other_municipalities="Kempele, 425",
        themes=[str(vocab["village"].pk), str(vocab["culture"].pk)],
        target_groups=[str(vocab["seniors"].pk)],
        languages=["fi", "sv"],
        website="https://kyla.example.fi/",
        social_links="https://www.facebook.com/kyla\nhttps://www.instagram.com/kyla",
        email="info@kyla.example.fi",
        phone="040 123  4567",
        accessibility_fi="Esteetön sisäänkäynti.",
        status="dormant",
    )
    response = client.post(edit_url(a), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    assert a.name_sv == "Uleåborgs byaförening rf"
    assert a.register_number == "123456"
    assert a.business_id == "0112038-9"
    assert a.status == "dormant"
    assert a.languages == ["fi", "sv"]
    assert a.social_links == ["https://www.facebook.com/kyla", "https://www.instagram.com/kyla"]
    assert a.phone == "040 123 4567"
    assert {m.code for m in a.municipalities.all()} == {"244", "425"}
    assert {t.slug for t in a.themes.all()} == {"village", "culture"}
    assert list(a.target_groups.all()) == [vocab["seniors"]]
    assert " kylä " in a.search_text  # re-indexed for Finnish search
    entries = AuditLogEntry.objects.filter(
        object_id=str(a.pk), object_type="associations.association"
    )
    changes = {}
    for e in entries:
        changes.update(e.changes)
    assert changes["status"] == ["active", "dormant"]
    assert changes["email"] == ["", "info@kyla.example.fi"]
    assert sorted(changes["themes"][1]) == sorted([vocab["village"].pk, vocab["culture"].pk])
    assert {e.actor for e in entries} == {world.user("oulu_member")}
    assert {e.municipality for e in entries} == {world.oulu}
    # The page shows the saved values again.
    page = client.get(edit_url(a)).content.decode()
    assert "Kempele, Liminka" in page
    assert "Yhdistyksen tiedot tallennettu." in page


def test_saving_without_changes_writes_no_log_entry(world):
    a = world.oulu_association
    client = world.client("oulu_liaison")
    client.post(edit_url(a), association_form_data(a))
    assert not AuditLogEntry.objects.filter(object_id=str(a.pk)).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("oulu_member", 200),
        ("oulu_liaison", 200),
        ("oulu_agent", 200),
        ("admin", 200),
        ("kempele_liaison", 403),
        ("coordinator", 403),
        ("outsider", 403),
    ],
)
def test_who_may_save_the_oulu_association(world, persona, status):
    a = world.oulu_association
    response = world.client(persona).post(
        edit_url(a), association_form_data(a, name_fi="Muutettu nimi ry")
    )
    a.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert a.name_fi == "Muutettu nimi ry"
    else:
        assert response.status_code == 403
        assert a.name_fi == "Oulun Kyläyhdistys ry"
        assert "oulu.jasen@example.fi" not in response.content.decode()


def test_kempele_liaison_sees_nothing_internal_of_oulu(world):
    from silta.associations.models import ContactPerson

    ContactPerson.objects.create(
        association=world.oulu_association, name="Salainen Sari", email="sari@example.fi"
    )
    client = world.client("kempele_liaison")
    for url in [
        edit_url(world.oulu_association),
        reverse("associations:contact_add", args=[world.oulu_association.pk]),
        reverse("associations:out_of_date", args=["564"]),
    ]:
        response = client.get(url)
        assert response.status_code == 403
        assert "Salainen Sari" not in response.content.decode()


def _assert_unchanged(a, before):
    a.refresh_from_db()
    assert {f: getattr(a, f) for f in before} == before


BAD_INPUT = [
    ({"business_id": "0112038-8"}, "tarkistusnumero"),
    ({"business_id": "12345"}, "Y-tunnus"),
    ({"register_number": "12a456"}, "Yhdistysrekisterinumero"),
    ({"description_fi": "x" * 10_000}, "enintään 5000"),
    ({"short_description_fi": "x" * 10_000}, "enintään 300"),
    ({"name_fi": "x" * 10_000}, "enintään 200"),
    ({"name_fi": "Nimi\x00ry"}, "Null"),
    ({"name_fi": ""}, "vaaditaan"),
    ({"email": "ei-osoite"}, "sähköpostiosoite"),
    ({"website": "javascript:alert(1)"}, "URL"),
    ({"phone": "soita minulle"}, "puhelinnumero"),
    ({"social_links": "ftp://x.example\nkissa"}, "verkko-osoite"),
    ({"social_links": "https://a.example/\n" * 11}, "enintään 10"),
    ({"other_municipalities": "Kempele, Atlantis"}, "Atlantis"),
    ({"other_municipalities": "999"}, "999"),
    ({"municipality": "999999"}, "Valitse"),
    ({"status": "deleted"}, "Valitse"),
    ({"languages": ["xx"]}, "Valitse"),
    ({"themes": ["999999"]}, "Valitse"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_input_gets_a_finnish_message_and_changes_nothing(world, overrides, message):
    a = world.oulu_association
    before = {"name_fi": a.name_fi, "business_id": "", "register_number": a.register_number}
    response = world.client("oulu_member").post(edit_url(a), association_form_data(a, **overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tarkista lomake" in body
    assert message.lower() in body.lower(), body[body.find("error-summary") :][:1500]
    _assert_unchanged(a, before)
    assert a.municipalities.count() == 0
    assert not AuditLogEntry.objects.filter(object_id=str(a.pk)).exists()


def test_logo_is_checked_to_be_an_image(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.oulu_association
    client = world.client("oulu_member")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(edit_url(a), {**association_form_data(a), "logo": fake})
    assert response.status_code == 400
    assert "kuva" in response.content.decode().lower()
    gif = png_file("logo.gif", fmt="GIF")
    response = client.post(edit_url(a), {**association_form_data(a), "logo": gif})
    assert response.status_code == 400
    a.refresh_from_db()
    assert not a.logo

    response = client.post(edit_url(a), {**association_form_data(a), "logo": png_file()})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.logo.name.startswith("logot/") and a.logo.name.endswith(".png")
    assert (tmp_path / a.logo.name).exists()
    entry = AuditLogEntry.objects.get(object_id=str(a.pk))
    assert entry.changes["logo"] == ["", a.logo.name]


def test_too_big_logo_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = world.oulu_association
    import os

    # A real >2 MB PNG: random pixels do not compress.
    from PIL import Image

    path = tmp_path / "big.png"
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.png", path.read_bytes(), content_type="image/png")
    response = world.client("oulu_member").post(
        edit_url(a), {**association_form_data(a), "logo": big}
    )
    assert response.status_code == 400
    assert "liian suuri" in response.content.decode()


def test_missing_association_is_404(world):
    assert world.client("admin").get(reverse("associations:edit", args=[999999])).status_code == 404


# -- adding an association to a municipality -----------------------------------------------


def test_liaison_adds_an_association_and_continues_to_edit_it(world):
    client = world.client("oulu_liaison")
    url = reverse("associations:create", args=["564"])
    response = client.post(
        url,
        {
            "name_fi": "  Uusi Seura ry ",
            "register_number": "223 344",
            "email": "",
            "status": "active",
        },
    )
    a = Association.objects.get(name_fi="Uusi Seura ry")
    assert response.status_code == 302 and response["Location"] == edit_url(a)
    assert a.municipality == world.oulu and a.register_number == "223344"
    assert AuditLogEntry.objects.filter(object_id=str(a.pk), action="create").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name_fi": "", "status": "active"},
        {"name_fi": "x" * 10_000, "status": "active"},
        {"name_fi": "Seura\x00", "status": "active"},
        {"name_fi": "Seura", "register_number": "abc", "status": "active"},
        {"name_fi": "Seura", "status": "poistettu"},
    ],
)
def test_adding_with_bad_input_changes_nothing(world, data):
    count = Association.objects.count()
    response = world.client("oulu_liaison").post(reverse("associations:create", args=["564"]), data)
    assert response.status_code == 400
    assert "Tarkista lomake" in response.content.decode()
    assert Association.objects.count() == count


def test_adding_to_another_or_unknown_municipality(world):
    client = world.client("kempele_liaison")
    assert client.get(reverse("associations:create", args=["564"])).status_code == 403
    assert (
        client.post(reverse("associations:create", args=["564"]), {"name_fi": "X"}).status_code
        == 403
    )
    assert client.get("/kunnat/999/yhdistykset/uusi/").status_code == 404
    assert client.get("/kunnat/abc/yhdistykset/uusi/").status_code == 404
    assert (
        world.client("oulu_member").get(reverse("associations:create", args=["564"])).status_code
        == 403
    )


# -- activities ------------------------------------------------------------------------------


def _add_url(w):
    return reverse("associations:activity_add", args=[w.oulu_association.pk])


def test_member_adds_a_recurring_activity_that_search_finds(world, vocab):
    client = world.client("oulu_member")
    data = activity_form_data(
        municipality=str(world.oulu.pk), target_groups=[str(vocab["seniors"].pk)]
    )
    response = client.post(_add_url(world), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert activity.association == world.oulu_association
    assert (activity.weekday, str(activity.start_time), activity.schedule_note) == (
        1,
        "18:00:00",
        "ei kesällä",
    )
    assert activity.is_free and activity.is_published
    assert list(activity.target_groups.all()) == [vocab["seniors"]]
    # Indexed by services.index_activity: the inflected form finds it.
    found, _ranked = search.apply(Activity.objects.all(), "kylätalolla")
    assert activity in found
    assert AuditLogEntry.objects.filter(
        object_type="associations.activity", action="create"
    ).exists()


def test_one_off_activity_times_are_helsinki_time(world):
    client = world.client("oulu_agent")
    data = activity_form_data(
        municipality=str(world.oulu.pk),
        kind="one_off",
        weekday="",
        start_time="",
        end_time="",
        starts_at="2026-06-01T18:00",
        ends_at="2026-06-01T21:30",
        is_free=None,
        price="5 €",
        registration_url="https://ilmo.example.fi/kesajuhla",
    )
    response = client.post(_add_url(world), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert activity.starts_at == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert activity.ends_at == datetime(2026, 6, 1, 18, 30, tzinfo=UTC)
    assert activity.weekday is None and not activity.is_free and activity.price == "5 €"
    # The edit page shows the times back in Helsinki time.
    page = client.get(reverse("associations:activity_edit", args=[activity.pk])).content.decode()
    assert 'value="2026-06-01T18:00"' in page


ACTIVITY_BAD = [
    (
        {"kind": "one_off", "starts_at": "2026-06-01T18:00", "ends_at": "2026-06-01T17:00"},
        "ennen kuin se alkaa",
    ),
    ({"kind": "one_off", "starts_at": ""}, "alkamisaika"),
    ({"kind": "one_off", "starts_at": "huomenna"}, "Syötä"),
    ({"weekday": ""}, "viikonpäivä"),
    ({"start_time": "20:00", "end_time": "18:00"}, "alkamisajan jälkeen"),
    ({"is_free": None, "price": ""}, "hinta"),
    ({"name_fi": "x" * 10_000}, "enintään 200"),
    ({"description_fi": "x" * 10_000}, "enintään 5000"),
    ({"name_fi": "Kuoro\x00"}, "Null"),
    ({"registration_url": "javascript:alert(1)"}, "URL"),
    ({"kind": "daily"}, "Valitse"),
    ({"weekday": "9"}, "Valitse"),
    ({"languages": ["klingon"]}, "Valitse"),
]


@pytest.mark.parametrize(("overrides", "message"), ACTIVITY_BAD)
def test_activity_bad_input_changes_nothing(world, overrides, message):
    data = activity_form_data(municipality=str(world.oulu.pk), **overrides)
    response = world.client("oulu_member").post(_add_url(world), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message.lower() in body.lower(), body[body.find("error-summary") :][:1500]
    assert not Activity.objects.exists()


def test_activity_in_a_municipality_the_association_does_not_act_in_is_refused(world):
    data = activity_form_data(municipality=str(world.helsinki.pk))
    response = world.client("oulu_member").post(_add_url(world), data)
    assert response.status_code == 400
    assert not Activity.objects.exists()


def _activity(w, **fields):
    from silta.associations import services

    return services.create_activity(
        None,
        w.oulu_association,
        name_fi="Kyläkahvit",
        kind="recurring",
        weekday=2,
        **fields,
    )


def test_edit_publish_hide_and_delete_an_activity(world):
    activity = _activity(world)
    client = world.client("oulu_member")
    data = activity_form_data(municipality=str(world.oulu.pk), name_fi="Kyläkahvit ja pulla")
    response = client.post(reverse("associations:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.name_fi == "Kyläkahvit ja pulla"
    assert " pulla " in activity.search_name

    publish = reverse("associations:activity_publish", args=[activity.pk])
    assert client.get(publish).status_code == 405
    client.post(publish, {"julkaise": "0"})
    activity.refresh_from_db()
    assert not activity.is_published
    assert not Activity.objects.public().filter(pk=activity.pk).exists()
    client.post(publish, {"julkaise": "1"})
    activity.refresh_from_db()
    assert activity.is_published

    delete = reverse("associations:activity_delete", args=[activity.pk])
    assert "Poistetaanko toiminta?" in client.get(delete).content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()  # GET deletes nothing
    assert client.post(delete).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert AuditLogEntry.objects.filter(
        object_type="associations.activity", action="delete"
    ).exists()


def test_others_cannot_touch_oulu_activities(world):
    activity = _activity(world)
    client = world.client("kempele_liaison")
    for name in ["activity_publish", "activity_delete"]:
        assert client.post(reverse(f"associations:{name}", args=[activity.pk])).status_code == 403
    assert (
        client.post(
            reverse("associations:activity_edit", args=[activity.pk]),
            activity_form_data(municipality=str(world.oulu.pk), name_fi="Kaapattu"),
        ).status_code
        == 403
    )
    activity.refresh_from_db()
    assert activity.name_fi == "Kyläkahvit" and activity.is_published
    assert (
        world.client("admin")
        .post(reverse("associations:activity_delete", args=[999999]))
        .status_code
        == 404
    )


def test_edit_page_lists_contacts_and_activities_with_bounded_queries(
    world, django_assert_max_num_queries
):
    from silta.associations.models import ContactPerson

    for i in range(20):
        ContactPerson.objects.create(association=world.oulu_association, name=f"Henkilö {i}")
        _activity(world, place_name=f"Paikka {i}")
    client = world.client("oulu_member")
    with django_assert_max_num_queries(14):
        response = client.get(edit_url(world.oulu_association))
    body = response.content.decode()
    assert "Henkilö 19" in body and "Paikka 19" in body


def test_dashboard_shows_own_associations_with_a_reminder(world):
    other = AssociationFactory(name_fi="Tuore Seura ry", municipality=world.oulu)
    from django.utils import timezone

    other.confirmed_at = timezone.now()
    other.save()
    from .factories import Role, grant

    grant(world.user("oulu_member"), Role.ASSOCIATION_MEMBER, association=other)
    body = world.client("oulu_member").get(reverse("dashboard")).content.decode()
    assert "Yhdistyksesi tiedot" in body
    assert edit_url(world.oulu_association) in body and edit_url(other) in body
    assert "Tarkista tiedot" in body  # the never-confirmed one
    assert body.count("Tarkista tiedot") == 1
    assert (
        "Yhdistyksesi tiedot"
        not in world.client("outsider").get(reverse("dashboard")).content.decode()
    )


def test_liaison_cannot_move_an_association_out_of_their_hands(world):
    a = world.oulu_association
    client = world.client("oulu_liaison")
    response = client.post(edit_url(a), association_form_data(a, municipality=world.kempele.pk))
    assert response.status_code == 400
    assert "Et voi siirtää yhdistystä kuntaan" in response.content.decode()
    a.refresh_from_db()
    assert a.municipality == world.oulu
    assert not AuditLogEntry.objects.filter(
        object_id=str(a.pk), object_type="associations.association"
    ).exists()


def test_member_and_admin_may_move_the_home_municipality(world):
    a = world.oulu_association
    for persona in ("oulu_member", "admin"):
        target = world.kempele if persona == "oulu_member" else world.oulu
        response = world.client(persona).post(
            edit_url(a), association_form_data(a, municipality=target.pk)
        )
        assert response.status_code == 302, response.content.decode()[:1000]
        a.refresh_from_db()
        assert a.municipality == target
