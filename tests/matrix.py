"""The vocabulary of the permission matrix (tests/test_permission_matrix.py).

Each feature keeps its rows in its own module under tests/matrix_rows/ (a list named ROWS);
the matrix test collects them all, so adding a URL means adding a row beside the feature.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from .conftest import PERSONAS


@dataclass(frozen=True)
class Redirect:
    to: str  # a URL name, or a literal path starting with "/"
    next: bool = False  # carries ?next=<the requested URL>

    def check(self, location: str, requested: str) -> None:
        target = self.to if self.to.startswith("/") else reverse(self.to)
        parts = urlsplit(location)
        assert parts.netloc in ("", "testserver"), f"redirect leaves the site: {location}"
        assert parts.path == target, f"redirects to {location}, expected {target}"
        query = parse_qs(parts.query)
        if self.next:
            assert query.get("next") == [requested], f"next in {location} is not {requested}"
        else:
            assert "next" not in query, f"unexpected next in {location}"


LOGIN = Redirect("account_login", next=True)
ADMIN_LOGIN = Redirect("admin:login", next=True)
DASHBOARD = Redirect("dashboard")  # allauth's "already signed in" (LOGIN_REDIRECT_URL)


def expect(anonymous, signed_in, **persona):
    """Outcome per persona: `signed_in` for everybody signed in unless named in `persona`."""
    unknown = set(persona) - set(PERSONAS)
    assert not unknown, unknown
    table = dict.fromkeys(PERSONAS, signed_in)
    return {**table, "anonymous": anonymous, **persona}


PUBLIC = expect(200, 200)
SIGNED_IN = expect(LOGIN, 200)
SILTA_ADMIN = expect(LOGIN, 403, admin=200)
DJANGO_ADMIN = expect(ADMIN_LOGIN, ADMIN_LOGIN, admin=200)
ENTRANCE = expect(200, DASHBOARD)  # sign-in and sign-up pages


@dataclass
class Row:
    id: str
    name: str  # the pattern this row covers
    url: Callable  # World -> URL
    expect: dict
    xfail: dict = field(default_factory=dict)  # persona -> reason, for known bugs
    check: Callable | None = None  # (response, world, persona) -> None, on a 200


def _url(name, *args, **kwargs):
    return lambda w: reverse(name, args=args or None, kwargs=kwargs or None)
