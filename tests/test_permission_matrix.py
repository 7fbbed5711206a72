"""The permission matrix: every URL pattern of Silta, requested as every persona.

Each row names the pattern it covers ("namespace:name", or the full route of an unnamed
pattern), builds a URL from the `world` fixture and says what each persona gets: a status
or a redirect with its target. `test_every_url_pattern_has_a_row` walks the resolver, so a
URL added without a row fails. The Django admin is covered by one rule (`admin_rule()`);
allauth's pages, the API and the widget have a row each.

Size when written: 92 rows x 8 personas = 736 GET cases, plus Silta's 4 POST endpoints x 8
personas and 4 CSRF checks (`test_matrix_size` prints the current figure under -s).
"""

import json
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import resolve, reverse

from silta.accounts.models import ErasureRequest, User
from silta.associations.models import Activity, Association
from silta.core.models import AuditLogEntry, OutgoingEmail

from .conftest import PERSONAS
from .factories import AssociationFactory, OrganisationFactory, municipality
from .matrix import (
    ADMIN_LOGIN,
    DASHBOARD,
    DJANGO_ADMIN,
    ENTRANCE,
    LOGIN,
    PUBLIC,
    SIGNED_IN,
    SILTA_ADMIN,
    Redirect,
    Row,
    _url,
    expect,
)
from .matrix_rows import collected_rows
from .urlwalk import keys, walk


def _email(w):
    email = OutgoingEmail.objects.create(
        template="test",
        to="someone@example.fi",
        language="fi",
        subject="Aihe",
        body_text="Teksti",
    )
    return reverse("sent_email", args=[email.pk])


def _other_organisation(w):
    org = OrganisationFactory(name="Uudenmaan järjestöt")
    org.municipalities.set([w.helsinki])
    return reverse("organisation", args=[org.pk])


def _helsinki_association(w):
    association = AssociationFactory(municipality=w.helsinki)
    return reverse("associations:members", args=[association.pk])


def _own_data_only(response, w, persona):
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["user"]["email"] == w.user(persona).email


def _token_fail(response, w, persona):
    assert response.context["token_fail"] is True


OULU_STAFF = {"oulu_liaison": 200, "oulu_agent": 200, "coordinator": 200, "admin": 200}
KEMPELE_STAFF = {"kempele_liaison": 200, "coordinator": 200, "admin": 200}

SILTA_ROWS = [
    Row("home", "home", _url("home"), PUBLIC),
    Row("accessibility", "accessibility", _url("accessibility"), PUBLIC),
    Row("privacy", "privacy", _url("privacy"), PUBLIC),
    # GET changes nothing; Django's view sends the browser back to the front page.
    Row("set_language", "set_language", _url("set_language"), expect(Redirect("/"), Redirect("/"))),
    Row("audit_log", "audit_log", _url("audit_log"), SILTA_ADMIN),
    Row("sent_emails", "sent_emails", _url("sent_emails"), SILTA_ADMIN),
    Row("sent_email", "sent_email", _email, SILTA_ADMIN),
    # The permission is checked before the lookup: no way to probe which messages exist.
    Row(
        "sent_email-missing",
        "sent_email",
        _url("sent_email", 999999),
        expect(LOGIN, 403, admin=404),
    ),
    Row("dashboard", "dashboard", _url("dashboard"), SIGNED_IN),
    Row("profile", "profile", _url("profile"), SIGNED_IN),
    Row("personal_data", "personal_data", _url("personal_data"), SIGNED_IN, check=_own_data_only),
    Row("erasure", "erasure", _url("erasure"), SIGNED_IN),
    Row(
        "organisation",
        "organisation",
        lambda w: reverse("organisation", args=[w.organisation.pk]),
        expect(LOGIN, 403, coordinator=200, admin=200),
    ),
    Row("organisation-other", "organisation", _other_organisation, expect(LOGIN, 403, admin=200)),
    Row("organisation-missing", "organisation", _url("organisation", 999999), expect(LOGIN, 404)),
    Row("region", "places:region", _url("places:region", "17"), PUBLIC),
    Row("region-missing", "places:region", _url("places:region", "99"), expect(404, 404)),
    Row("region-not-a-code", "places:region", _url("places:region", "x"), expect(404, 404)),
    Row("municipality-oulu", "places:municipality", _url("places:municipality", "564"), PUBLIC),
    Row(
        "municipality-missing",
        "places:municipality",
        _url("places:municipality", "999"),
        expect(404, 404),
    ),
    Row(
        "workspace-oulu",
        "places:workspace",
        _url("places:workspace", "564"),
        expect(LOGIN, 403, **OULU_STAFF),
    ),
    Row(
        "workspace-kempele",
        "places:workspace",
        _url("places:workspace", "244"),
        expect(LOGIN, 403, **KEMPELE_STAFF),
    ),
    # Helsinki has no staff in the world and the coordinator does not serve it.
    Row(
        "workspace-helsinki",
        "places:workspace",
        _url("places:workspace", "091"),
        expect(LOGIN, 403, admin=200),
    ),
    Row(
        "workspace-missing", "places:workspace", _url("places:workspace", "999"), expect(LOGIN, 404)
    ),
    Row(
        "members-oulu",
        "associations:members",
        lambda w: reverse("associations:members", args=[w.oulu_association.pk]),
        expect(LOGIN, 403, oulu_member=200, **OULU_STAFF),
    ),
    Row(
        "members-kempele",
        "associations:members",
        lambda w: reverse("associations:members", args=[w.kempele_association.pk]),
        expect(LOGIN, 403, **KEMPELE_STAFF),
    ),
    Row(
        "members-helsinki",
        "associations:members",
        _helsinki_association,
        expect(LOGIN, 403, admin=200),
    ),
    Row(
        "members-missing",
        "associations:members",
        _url("associations:members", 999999),
        expect(LOGIN, 404),
    ),
]

# allauth, from its views (65.22) with Silta's settings: login by code, mandatory email
# verification by code, TOTP and recovery codes. force_login() does not record an allauth
# authentication, so pages behind @reauthentication_required send everyone to reauthenticate.
# The fixture users sign in by emailed code and have no usable password, as most Silta
# users do: they reauthenticate by a code sent to their address (the password and
# authenticator pages send them there), and only then may they add an authenticator.
REAUTHENTICATE_BY_CODE = Redirect("account_request_reauthentication_code")

ALLAUTH_ROWS = [
    Row("account_login", "account_login", _url("account_login"), ENTRANCE),
    # GET shows a confirmation to the signed-in; signing out needs a POST (tested below).
    Row("account_logout", "account_logout", _url("account_logout"), expect(Redirect("home"), 200)),
    Row("account_inactive", "account_inactive", _url("account_inactive"), PUBLIC),
    Row("account_signup", "account_signup", _url("account_signup"), ENTRANCE),
    Row(
        "account_reauthenticate",
        "account_reauthenticate",
        _url("account_reauthenticate"),
        expect(LOGIN, REAUTHENTICATE_BY_CODE),
    ),
    Row(
        "account_request_reauthentication_code",
        "account_request_reauthentication_code",
        _url("account_request_reauthentication_code"),
        SIGNED_IN,
    ),
    # No code was requested: back to asking for one.
    Row(
        "account_confirm_reauthentication_code",
        "account_confirm_reauthentication_code",
        _url("account_confirm_reauthentication_code"),
        expect(LOGIN, REAUTHENTICATE_BY_CODE),
    ),
    Row("account_email", "account_email", _url("account_email"), SIGNED_IN),
    # With verification by code this is the code page; no verification pending: away.
    Row(
        "account_email_verification_sent",
        "account_email_verification_sent",
        _url("account_email_verification_sent"),
        expect(Redirect("account_login"), Redirect("account_email")),
    ),
    Row(
        "account_change_password",
        "account_change_password",
        _url("account_change_password"),
        expect(LOGIN, Redirect("account_set_password")),
    ),
    Row(
        "account_set_password",
        "account_set_password",
        _url("account_set_password"),
        SIGNED_IN,
    ),
    Row("account_reset_password", "account_reset_password", _url("account_reset_password"), PUBLIC),
    Row(
        "account_reset_password_done",
        "account_reset_password_done",
        _url("account_reset_password_done"),
        PUBLIC,
    ),
    Row(
        "account_reset_password_from_key",
        "account_reset_password_from_key",
        _url("account_reset_password_from_key", uidb36="1", key="vaara-avain"),
        PUBLIC,
        check=_token_fail,
    ),
    Row(
        "account_reset_password_from_key_done",
        "account_reset_password_from_key_done",
        _url("account_reset_password_from_key_done"),
        PUBLIC,
    ),
    Row(
        "account_request_login_code",
        "account_request_login_code",
        _url("account_request_login_code"),
        ENTRANCE,
    ),
    # No code was requested: back to asking for one.
    Row(
        "account_confirm_login_code",
        "account_confirm_login_code",
        _url("account_confirm_login_code"),
        expect(Redirect("account_request_login_code"), DASHBOARD),
    ),
    Row("mfa_index", "mfa_index", _url("mfa_index"), SIGNED_IN),
    # No login waiting for its second factor.
    Row(
        "mfa_authenticate",
        "mfa_authenticate",
        _url("mfa_authenticate"),
        expect(Redirect("account_login"), DASHBOARD),
    ),
    # Nobody has an authenticator or a password: reauthentication is by emailed code.
    Row(
        "mfa_reauthenticate",
        "mfa_reauthenticate",
        _url("mfa_reauthenticate"),
        expect(LOGIN, REAUTHENTICATE_BY_CODE),
    ),
    Row(
        "mfa_activate_totp",
        "mfa_activate_totp",
        _url("mfa_activate_totp"),
        expect(LOGIN, Redirect("account_request_reauthentication_code", next=True)),
    ),
    Row(
        "mfa_deactivate_totp",
        "mfa_deactivate_totp",
        _url("mfa_deactivate_totp"),
        expect(LOGIN, 404),
    ),
    Row(
        "mfa_view_recovery_codes",
        "mfa_view_recovery_codes",
        _url("mfa_view_recovery_codes"),
        expect(LOGIN, 404),
    ),
    Row(
        "mfa_generate_recovery_codes",
        "mfa_generate_recovery_codes",
        _url("mfa_generate_recovery_codes"),
        expect(LOGIN, Redirect("account_request_reauthentication_code", next=True)),
    ),
    Row(
        "mfa_download_recovery_codes",
        "mfa_download_recovery_codes",
        _url("mfa_download_recovery_codes"),
        expect(LOGIN, 404),
    ),
]


# -- the Django admin ------------------------------------------------------------------------
# One rule covers the admin: only staff get past AdminSite.admin_view (others go to the
# admin login), and inside it ModelAdmin permissions decide. The rule lists the site's own
# views and, for each registered model, Django's five model views plus the unnamed legacy
# redirect to the change view; rows below request the index, the site views and every
# model's changelist. A custom admin view (ModelAdmin.get_urls) is not in the rule and
# needs a row like any other URL.
ADMIN_SITE_VIEWS = [
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
]
ADMIN_MODEL_VIEWS = ["changelist", "add", "history", "delete", "change"]
ADMIN_CATCH_ALL = "admin/(?P<url>.*)$"  # AdminSite.final_catch_all_view


def _admin_models():
    return sorted((m._meta.app_label, m._meta.model_name) for m in admin.site._registry)


def admin_rule() -> set[str]:
    covered = {f"admin:{view}" for view in ADMIN_SITE_VIEWS}
    for app, model in _admin_models():
        covered |= {f"admin:{app}_{model}_{view}" for view in ADMIN_MODEL_VIEWS}
        covered.add(f"admin/{app}/{model}/<path:object_id>/")
    # django.contrib.auth's UserAdmin names its password page so for any user model.
    covered.add("admin:auth_user_password_change")
    covered.add(ADMIN_CATCH_ALL)
    return covered


def _view_on_site(w):
    ct = ContentType.objects.get_for_model(w.oulu)
    return reverse("admin:view_on_site", args=[ct.pk, w.oulu.pk])


ADMIN_ROWS = [
    Row("admin-index", "admin:index", _url("admin:index"), DJANGO_ADMIN),
    Row(
        "admin-login",
        "admin:login",
        _url("admin:login"),
        expect(200, 200, admin=Redirect("admin:index")),
    ),
    # Logging out is POST only; the non-staff are sent to the index (and from there to login).
    Row(
        "admin-logout",
        "admin:logout",
        _url("admin:logout"),
        expect(Redirect("admin:index"), Redirect("admin:index"), admin=405),
    ),
    Row(
        "admin-password_change",
        "admin:password_change",
        _url("admin:password_change"),
        DJANGO_ADMIN,
    ),
    Row(
        "admin-password_change_done",
        "admin:password_change_done",
        _url("admin:password_change_done"),
        DJANGO_ADMIN,
    ),
    Row("admin-jsi18n", "admin:jsi18n", _url("admin:jsi18n"), DJANGO_ADMIN),
    # Without its query parameters the autocomplete refuses even a superuser.
    Row(
        "admin-autocomplete",
        "admin:autocomplete",
        _url("admin:autocomplete"),
        expect(ADMIN_LOGIN, ADMIN_LOGIN, admin=403),
    ),
    Row(
        "admin-view_on_site",
        "admin:view_on_site",
        _view_on_site,
        expect(ADMIN_LOGIN, ADMIN_LOGIN, admin=Redirect("/kunnat/564/")),
    ),
    Row(
        "admin-app_list-accounts",
        "admin:app_list",
        _url("admin:app_list", "accounts"),
        DJANGO_ADMIN,
    ),
    Row(
        "admin-user_change",
        "admin:accounts_user_change",
        lambda w: reverse("admin:accounts_user_change", args=[w.user("outsider").pk]),
        DJANGO_ADMIN,
    ),
    Row(
        "admin-catch_all",
        ADMIN_CATCH_ALL,
        lambda w: "/admin/olematon/",
        expect(ADMIN_LOGIN, ADMIN_LOGIN, admin=404),
    ),
] + [
    Row(
        f"admin-{app}_{model}_changelist",
        f"admin:{app}_{model}_changelist",
        _url(f"admin:{app}_{model}_changelist"),
        DJANGO_ADMIN,
    )
    for app, model in _admin_models()
]


# -- the public API and widget: the same answer for everybody, signed in or not --------------
# A session must not widen what the API shows: dissolved associations and unpublished
# activities are 404 even to the administrator.
def _dissolved(w):
    return AssociationFactory(
        name_fi="Lakkautettu Seura ry", municipality=w.oulu, status=Association.Status.DISSOLVED
    )


def _activity(w, **fields):
    return Activity.objects.create(
        association=w.oulu_association,
        municipality=w.oulu,
        name_fi="Kyläkahvit",
        kind=Activity.Kind.RECURRING,
        weekday=1,
        **fields,
    )


def _api_list_without_dissolved(w):
    _dissolved(w)
    return reverse("api-v1:associations") + "?municipality=564"


def _no_dissolved_in_results(response, w, persona):
    names = [a["name"]["fi"] for a in response.json()["results"]]
    assert "Oulun Kyläyhdistys ry" in names
    assert "Lakkautettu Seura ry" not in names


def _api(name):
    return _url(f"api-v1:{name}")


API_ROWS = [
    Row("api-root", "api-v1:api-root", _api("api-root"), PUBLIC),
    Row("api-docs", "api-v1:docs", _api("docs"), PUBLIC),
    Row("api-openapi", "api-v1:openapi-json", _api("openapi-json"), PUBLIC),
    Row("api-municipalities", "api-v1:municipalities", _api("municipalities"), PUBLIC),
    Row("api-themes", "api-v1:themes", _api("themes"), PUBLIC),
    Row("api-target-groups", "api-v1:target-groups", _api("target-groups"), PUBLIC),
    Row(
        "api-associations",
        "api-v1:associations",
        _api_list_without_dissolved,
        PUBLIC,
        check=_no_dissolved_in_results,
    ),
    Row(
        "api-association",
        "api-v1:association",
        lambda w: reverse("api-v1:association", args=[w.oulu_association.pk]),
        PUBLIC,
    ),
    Row(
        "api-association-dissolved",
        "api-v1:association",
        lambda w: reverse("api-v1:association", args=[_dissolved(w).pk]),
        expect(404, 404),
    ),
    Row("api-activities", "api-v1:activities", _api("activities"), PUBLIC),
    Row(
        "api-activity",
        "api-v1:activity",
        lambda w: reverse("api-v1:activity", args=[_activity(w).pk]),
        PUBLIC,
    ),
    Row(
        "api-activity-unpublished",
        "api-v1:activity",
        lambda w: reverse("api-v1:activity", args=[_activity(w, is_published=False).pk]),
        expect(404, 404),
    ),
    Row("api-not-found", "api-v1:not-found", lambda w: "/api/v1/olematon", expect(404, 404)),
    Row("api-widget-js", "api-widget-js", _url("api-widget-js"), PUBLIC),
    Row("api-widget-demo", "api-widget-demo", _url("api-widget-demo"), PUBLIC),
    Row("api-widget-oulu", "api-widget", _url("api-widget", "564"), PUBLIC),
    Row("api-widget-missing", "api-widget", _url("api-widget", "999"), expect(404, 404)),
]

ROWS = SILTA_ROWS + ALLAUTH_ROWS + API_ROWS + ADMIN_ROWS + collected_rows()


def _cases():
    for row in ROWS:
        for persona in PERSONAS:
            marks = []
            if persona in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[persona]))
            yield pytest.param(row, persona, id=f"{row.id}-{persona}", marks=marks)


CASES = list(_cases())


def assert_outcome(response, expected, requested):
    if isinstance(expected, Redirect):
        assert response.status_code == 302, (
            f"{requested}: {response.status_code}, expected a redirect to {expected.to}"
        )
        expected.check(response["Location"], requested)
    else:
        assert response.status_code == expected, (
            f"{requested}: {response.status_code}, expected {expected}"
            + (f" (to {response['Location']})" if response.has_header("Location") else "")
        )


def _pattern_key(url):
    match = resolve(urlsplit(url).path)
    return match.view_name if match.url_name else match.route


@pytest.fixture(autouse=True)
def _no_static_scan(settings):
    # Every test Client builds its own middleware, and WhiteNoise (finders on, autorefresh
    # off under pytest's DEBUG=False) would scan all static files each time: ~45 ms a test.
    settings.WHITENOISE_AUTOREFRESH = True


# -- the table itself --------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    covered = {row.name for row in ROWS} | admin_rule()
    missing = sorted(e.key for e in walk() if e.key not in covered)
    assert not missing, "URL patterns without a row in the permission matrix:\n" + "\n".join(
        missing
    )


def test_no_row_names_a_pattern_that_is_gone():
    stale = sorted({row.name for row in ROWS} - keys())
    assert not stale, f"rows for patterns that no longer exist: {stale}"


def test_the_admin_rule_covers_only_the_admin():
    rule = admin_rule()
    assert all(k.startswith(("admin:", "admin/")) for k in rule)
    assert {e.key for e in walk() if e.namespace == "admin" or e.route.startswith("admin/")} <= rule
    # A new page, in Silta or as a custom admin view, is not covered by the rule.
    assert not {"uusi_sivu", "places:uusi_sivu", "admin:accounts_user_export"} & rule


def test_matrix_size():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    for row in ROWS:
        assert set(row.expect) == set(PERSONAS), row.id
    assert len(CASES) == len(ROWS) * len(PERSONAS)
    print(f"\npermission matrix: {len(ROWS)} rows x {len(PERSONAS)} personas = {len(CASES)} cases")


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_get(world, row, persona):
    url = row.url(world)
    assert _pattern_key(url) == row.name, f"{url} is not {row.name}"
    response = world.client(persona).get(url)
    assert_outcome(response, row.expect[persona], url)
    if response.status_code == 403:
        body = response.content.decode()
        leaked = [u.email for u in world.users.values() if u.email in body]
        assert not leaked, f"a refusal shows people's addresses: {leaked}"
    if row.check and response.status_code == 200:
        row.check(response, world, persona)


# -- Silta's own POST views ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_set_language(world, persona):
    client = world.client(persona)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/kunnat/564/"})
    assert_outcome(response, Redirect("/kunnat/564/"), "/kieli/")
    assert response.cookies["silta_kieli"].value == "sv"
    # No open redirect: a foreign `next` is replaced by the front page.
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert_outcome(response, Redirect("/"), "/kieli/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_logout(world, persona):
    client = world.client(persona)
    response = client.post(reverse("account_logout"))
    assert_outcome(response, Redirect("home"), reverse("account_logout"))
    assert_outcome(client.get(reverse("dashboard")), LOGIN, reverse("dashboard"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_profile(world, persona):
    client = world.client(persona)
    url = reverse("profile")
    names_before = dict(User.objects.values_list("pk", "full_name"))
    data = {"full_name": "Uusi  Nimi", "phone": "040 123 4567", "language": "sv"}
    if persona == "anonymous":
        assert_outcome(client.post(url, data), LOGIN, url)
        assert dict(User.objects.values_list("pk", "full_name")) == names_before
        return
    user = world.user(persona)
    assert client.post(url, {**data, "phone": "soita minulle"}).status_code == 400
    assert dict(User.objects.values_list("pk", "full_name")) == names_before
    assert_outcome(client.post(url, data), Redirect("profile"), url)
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.language) == ("Uusi Nimi", "040 123 4567", "sv")
    # Only the person's own row changed, and the change was logged.
    names_before[user.pk] = "Uusi Nimi"
    assert dict(User.objects.values_list("pk", "full_name")) == names_before
    assert AuditLogEntry.objects.filter(
        actor=user, object_id=str(user.pk), action="update"
    ).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_post_erasure(world, persona):
    client = world.client(persona)
    url = reverse("erasure")
    if persona == "anonymous":
        assert_outcome(client.post(url, {"confirm": "on"}), LOGIN, url)
        assert not ErasureRequest.objects.exists()
        return
    user = world.user(persona)
    assert client.post(url, {"reason": "ilman vahvistusta"}).status_code == 400
    assert not ErasureRequest.objects.exists()
    assert_outcome(
        client.post(url, {"confirm": "on", "reason": "muutan pois"}), Redirect("profile"), url
    )
    assert list(ErasureRequest.objects.values_list("user", "status")) == [(user.pk, "open")]
    # Asking twice keeps one open request.
    client.post(url, {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1


@pytest.mark.parametrize("name", ["profile", "erasure", "account_logout", "set_language"])
def test_post_without_csrf_token_is_refused(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("oulu_member"))
    response = client.post(reverse(name), {"confirm": "on", "full_name": "X", "language": "en"})
    assert response.status_code == 403
    assert not ErasureRequest.objects.exists()
    assert client.get(reverse("dashboard")).status_code == 200  # still signed in


def test_municipality_factory_matches_world(world):
    # The rows hard-code Oulu (564), Kempele (244) and Helsinki (091) in some URLs.
    assert (world.oulu, world.kempele, world.helsinki) == tuple(
        municipality(c) for c in ("564", "244", "091")
    )
