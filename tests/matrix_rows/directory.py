"""Permission-matrix rows of the public directory pages and the recipient lists."""

from django.urls import reverse

from silta.associations.models import Activity, Association, RecipientList

from ..factories import AssociationFactory
from ..matrix import LOGIN, PUBLIC, Row, _url, expect

OULU_STAFF = {"oulu_liaison": 200, "oulu_agent": 200, "coordinator": 200, "admin": 200}
KEMPELE_STAFF = {"kempele_liaison": 200, "coordinator": 200, "admin": 200}
NOT_FOUND = expect(404, 404)


def _dissolved(w):
    return AssociationFactory(
        name_fi="Lakannut Kuoro ry", municipality=w.oulu, status=Association.Status.DISSOLVED
    )


def _activity(w, association=None, **fields):
    return Activity.objects.create(
        association=association or w.oulu_association,
        municipality=w.oulu,
        name_fi="Kyläkahvit",
        weekday=1,
        **fields,
    )


def _list(w, municipality=None):
    return RecipientList.objects.create(
        municipality=municipality or w.oulu, name="Kaikki", filters={"tila": "active"}
    )


def _list_url(name, municipality="oulu", code=None):
    def build(w):
        rl = _list(w, getattr(w, municipality))
        return reverse(f"associations:{name}", args=[code or rl.municipality.code, rl.pk])

    return build


def _lists(name, code):
    return _url(f"associations:{name}", code)


ROWS = [
    Row("directory-oulu", "associations:directory", _url("associations:directory", "564"), PUBLIC),
    Row(
        "directory-missing",
        "associations:directory",
        _url("associations:directory", "999"),
        NOT_FOUND,
    ),
    Row(
        "region-directory",
        "associations:region_directory",
        _url("associations:region_directory", "17"),
        PUBLIC,
    ),
    Row(
        "region-directory-missing",
        "associations:region_directory",
        _url("associations:region_directory", "99"),
        NOT_FOUND,
    ),
    Row(
        "detail-oulu",
        "associations:detail",
        lambda w: reverse("associations:detail", args=[w.oulu_association.pk]),
        PUBLIC,
    ),
    # A dissolved association is gone for the public; those who keep the register see it.
    Row(
        "detail-dissolved",
        "associations:detail",
        lambda w: reverse("associations:detail", args=[_dissolved(w).pk]),
        expect(404, 404, **OULU_STAFF),
    ),
    Row("detail-missing", "associations:detail", _url("associations:detail", 999999), NOT_FOUND),
    Row(
        "activity",
        "associations:activity",
        lambda w: reverse("associations:activity", args=[_activity(w).pk]),
        PUBLIC,
    ),
    Row(
        "activity-unpublished",
        "associations:activity",
        lambda w: reverse("associations:activity", args=[_activity(w, is_published=False).pk]),
        expect(404, 404, oulu_member=200, **OULU_STAFF),
    ),
    Row(
        "activity-missing",
        "associations:activity",
        _url("associations:activity", 999999),
        NOT_FOUND,
    ),
    Row(
        "recipient-lists-oulu",
        "associations:recipient_lists",
        _lists("recipient_lists", "564"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "recipient-lists-kempele",
        "associations:recipient_lists",
        _lists("recipient_lists", "244"),
        expect(LOGIN, 403, **KEMPELE_STAFF),
    ),
    Row(
        "recipient-lists-helsinki",
        "associations:recipient_lists",
        _lists("recipient_lists", "091"),
        expect(LOGIN, 403, admin=200),
    ),
    Row(
        "recipient-lists-missing",
        "associations:recipient_lists",
        _lists("recipient_lists", "999"),
        expect(LOGIN, 404),
    ),
    Row(
        "recipient-list-new",
        "associations:recipient_list_new",
        lambda w: reverse("associations:recipient_list_new", args=["564"]) + "?teema=village",
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "recipient-list",
        "associations:recipient_list",
        _list_url("recipient_list"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    # Another municipality's list under Kempele's address: not there, even for the admin.
    Row(
        "recipient-list-elsewhere",
        "associations:recipient_list",
        _list_url("recipient_list", code="244"),
        expect(LOGIN, 403, kempele_liaison=404, coordinator=404, admin=404),
    ),
    Row(
        "recipient-list-missing",
        "associations:recipient_list",
        _url("associations:recipient_list", "564", 999999),
        expect(LOGIN, 403, oulu_liaison=404, oulu_agent=404, coordinator=404, admin=404),
    ),
    Row(
        "recipient-list-csv",
        "associations:recipient_list_csv",
        _list_url("recipient_list_csv"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "recipient-list-rename",
        "associations:recipient_list_rename",
        _list_url("recipient_list_rename"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "recipient-list-delete",
        "associations:recipient_list_delete",
        _list_url("recipient_list_delete"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
]
