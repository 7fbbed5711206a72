"""Permission-matrix rows for editing the directory and the yearly confirmation.

Editors of an association: its members, the liaison and agents of its home municipality,
administrators. Kempele's liaison never reaches Oulu's internal pages. POST-only endpoints
answer a GET with 405 for everybody, so a followed link changes nothing."""

from django.urls import reverse

from silta.associations import services
from silta.associations.models import Activity, ContactPerson

from ..matrix import LOGIN, Row, _url, expect

OULU_EDITORS = {"oulu_member": 200, "oulu_liaison": 200, "oulu_agent": 200, "admin": 200}
KEMPELE_EDITORS = {"kempele_liaison": 200, "admin": 200}
OULU_STAFF = {"oulu_liaison": 200, "oulu_agent": 200, "coordinator": 200, "admin": 200}
KEMPELE_STAFF = {"kempele_liaison": 200, "coordinator": 200, "admin": 200}
MISSING = expect(LOGIN, 404)
GET_REFUSED = expect(405, 405)


def _contact(association):
    return ContactPerson.objects.create(
        association=association, name="Matriisi Henkilö", email="matriisi@example.fi"
    )


def _activity(association):
    return Activity.objects.create(
        association=association,
        municipality=association.municipality,
        name_fi="Matriisikerho",
        kind=Activity.Kind.RECURRING,
        weekday=1,
    )


def _on_oulu(name, make):
    return lambda w: reverse(name, args=[make(w.oulu_association).pk])


def _on_kempele(name, make):
    return lambda w: reverse(name, args=[make(w.kempele_association).pk])


def _assoc(name, which):
    return lambda w: reverse(name, args=[getattr(w, f"{which}_association").pk])


def _confirm_link(w):
    a = w.oulu_association
    a.email = "matriisi@example.fi"
    a.save()
    services.request_confirmation(None, a)
    a.refresh_from_db()
    return reverse("associations:confirm_link", args=[services.confirmation_token(a)])


def _nothing_confirmed(response, w, persona):
    w.oulu_association.refresh_from_db()
    assert w.oulu_association.confirmed_at is None
    assert "Tiedot ovat ajan tasalla" in response.content.decode()


ROWS = []
for name in ["edit", "contact_add", "activity_add"]:
    ROWS += [
        Row(
            f"{name}-oulu",
            f"associations:{name}",
            _assoc(f"associations:{name}", "oulu"),
            expect(LOGIN, 403, **OULU_EDITORS),
        ),
        Row(
            f"{name}-kempele",
            f"associations:{name}",
            _assoc(f"associations:{name}", "kempele"),
            expect(LOGIN, 403, **KEMPELE_EDITORS),
        ),
        Row(
            f"{name}-missing", f"associations:{name}", _url(f"associations:{name}", 999999), MISSING
        ),
    ]
for name, make in [
    ("contact_edit", _contact),
    ("contact_delete", _contact),
    ("contact_consent", _contact),
    ("activity_edit", _activity),
    ("activity_delete", _activity),
]:
    ROWS += [
        Row(
            f"{name}-oulu",
            f"associations:{name}",
            _on_oulu(f"associations:{name}", make),
            expect(LOGIN, 403, **OULU_EDITORS),
        ),
        Row(
            f"{name}-kempele",
            f"associations:{name}",
            _on_kempele(f"associations:{name}", make),
            expect(LOGIN, 403, **KEMPELE_EDITORS),
        ),
        Row(
            f"{name}-missing", f"associations:{name}", _url(f"associations:{name}", 999999), MISSING
        ),
    ]
ROWS += [
    # POST-only: confirming, withdrawing consent, publishing, asking for confirmation.
    Row("confirm-get", "associations:confirm", _assoc("associations:confirm", "oulu"), GET_REFUSED),
    Row(
        "contact_withdraw-get",
        "associations:contact_withdraw",
        _on_oulu("associations:contact_withdraw", _contact),
        GET_REFUSED,
    ),
    Row(
        "activity_publish-get",
        "associations:activity_publish",
        _on_oulu("associations:activity_publish", _activity),
        GET_REFUSED,
    ),
    Row(
        "request_confirmation-get",
        "associations:request_confirmation",
        lambda w: reverse("associations:request_confirmation", args=["564", w.oulu_association.pk]),
        GET_REFUSED,
    ),
    Row(
        "create-oulu",
        "associations:create",
        _url("associations:create", "564"),
        expect(LOGIN, 403, oulu_liaison=200, oulu_agent=200, admin=200),
    ),
    Row(
        "create-kempele",
        "associations:create",
        _url("associations:create", "244"),
        expect(LOGIN, 403, **KEMPELE_EDITORS),
    ),
    Row("create-missing", "associations:create", _url("associations:create", "999"), MISSING),
    Row(
        "out_of_date-oulu",
        "associations:out_of_date",
        _url("associations:out_of_date", "564"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "out_of_date-kempele",
        "associations:out_of_date",
        _url("associations:out_of_date", "244"),
        expect(LOGIN, 403, **KEMPELE_STAFF),
    ),
    Row(
        "out_of_date-missing",
        "associations:out_of_date",
        _url("associations:out_of_date", "999"),
        MISSING,
    ),
    # The emailed link: anyone holding it sees the entry; GET confirms nothing.
    Row(
        "confirm_link",
        "associations:confirm_link",
        _confirm_link,
        expect(200, 200),
        check=_nothing_confirmed,
    ),
    Row(
        "confirm_link-forged",
        "associations:confirm_link",
        _url("associations:confirm_link", "vaarennetty:linkki"),
        expect(400, 400),
    ),
]
