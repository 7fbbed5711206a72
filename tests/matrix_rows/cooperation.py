"""Permission-matrix rows of the municipality's cooperation profile (/kunnat/<code>/yhteistyo/)."""

from django.urls import reverse

from ..matrix import LOGIN, PUBLIC, Row, expect

ROWS = [
    Row(
        "places-cooperation",
        "places:cooperation",
        lambda w: reverse("places:cooperation", args=[w.oulu.code]),
        PUBLIC,
    ),
    Row(
        "places-cooperation-missing",
        "places:cooperation",
        lambda w: reverse("places:cooperation", args=["999"]),
        expect(404, 404),
    ),
    # Kept by the municipality's own liaison and agents; not by another municipality's
    # liaison, the coordinator or the association's members.
    Row(
        "places-cooperation_edit",
        "places:cooperation_edit",
        lambda w: reverse("places:cooperation_edit", args=[w.oulu.code]),
        expect(LOGIN, 403, oulu_liaison=200, oulu_agent=200, admin=200),
    ),
    Row(
        "places-cooperation_edit-kempele",
        "places:cooperation_edit",
        lambda w: reverse("places:cooperation_edit", args=[w.kempele.code]),
        expect(LOGIN, 403, kempele_liaison=200, admin=200),
    ),
    Row(
        "places-cooperation_edit-missing",
        "places:cooperation_edit",
        lambda w: reverse("places:cooperation_edit", args=["999"]),
        expect(LOGIN, 404),
    ),
]
