"""The public side of the directory: a municipality's and a region's directory pages, an
association's page and an activity's page. Everything works without JavaScript; with it,
htmx swaps only the results while the person types (the fragment when request.htmx)."""

import json

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from silta.accounts.permissions import (
    can_edit_association,
    can_manage_recipient_lists,
    can_view_association_contacts,
    can_view_association_internal,
    scope_of,
)
from silta.core.paging import COUNT_CAP, Paginator, RankedPaginator, rows_by_ids
from silta.core.params import page_number
from silta.places.models import Municipality, Region

from . import search, vocabulary
from .filters import DirectoryFilter
from .models import (
    LANGUAGE_CHOICES,
    Activity,
    Association,
    ContactPerson,
    TargetGroup,
    Theme,
    activity_public_order,
)

PAGE_SIZE = 20
ACTIVITY_MATCHES = 5
# What json_script escapes, so that the JSON-LD can never close its <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _municipality(code: str) -> Municipality:
    code = (code or "").strip()
    found = None
    if code.isascii() and code.isdigit() and len(code) <= 3:
        found = Municipality.objects.with_places().filter(code=code.zfill(3)).first()
    if found is None:
        raise Http404(_("Kuntaa numerolla %(code)s ei löydy.") % {"code": code[:10]})
    return found


def _region(code: str) -> Region:
    code = (code or "").strip()
    found = None
    if code.isascii() and code.isdigit() and len(code) <= 2:
        found = Region.objects.filter(code=code.zfill(2)).first()
    if found is None:
        raise Http404(_("Maakuntaa koodilla %(code)s ei löydy.") % {"code": code[:10]})
    return found


def _page(request, queryset, *, display=None, ranked=None):
    """A page of the directory. A list reads the page by ids (silta.core.paging); a search
    reads its page by tiers (search.Ranked) and counts at most COUNT_CAP matches
    ("yli 1 000 yhdistystä")."""
    number = page_number(request)
    if number is None or number < 1:
        raise Http404(_("Sivua ei ole."))
    if ranked is not None:
        paginator = RankedPaginator(
            ranked, PAGE_SIZE, display=display, cap=COUNT_CAP, number=number
        )
    else:
        paginator = Paginator(queryset, PAGE_SIZE, display=display, number=number)
    if not (1 <= number <= max(paginator.num_pages, 1)):
        raise Http404(_("Sivua ei ole."))
    return paginator.page(number)


def _matching_activities(form: DirectoryFilter, municipalities) -> list:
    if not form.searching:
        return []
    ids = [m.pk for m in municipalities]
    chosen = form.municipality
    if chosen is not None:
        ids = [chosen.pk]
    qs = Activity.objects.public().upcoming_or_recurring().order_by(*activity_public_order())
    ranked = search.Ranked(qs, form.value("q"), municipalities=ids, plain=True)
    found, _count, _capped = ranked.read(0, ACTIVITY_MATCHES)
    return rows_by_ids(Activity, found, lambda rows: rows.select_related("association"))


def _directory(request, *, municipality=None, region=None, municipalities=None):
    themes = vocabulary.themes()
    groups = vocabulary.target_groups()
    if municipality is not None:
        staff = can_manage_recipient_lists(request.user, municipality)
        scope = [municipality]
    else:
        staff = scope_of(request.user).is_admin
        scope = municipalities
    form = DirectoryFilter(
        request.GET,
        themes=themes,
        target_groups=groups,
        municipalities=municipalities,
        staff=staff,
    )
    valid = form.is_valid()
    searching = form.searching
    page = _page(
        request,
        None if searching else form.listing(scope),
        ranked=form.ranked(scope) if searching else None,
        display=lambda rows: rows.select_related("municipality").prefetch_related(
            Prefetch("themes", queryset=Theme.objects.all())
        ),
    )
    query = form.query_string_items()
    encoded = urlencode(query)
    save_url = ""
    if municipality is not None and staff:
        save_url = reverse("associations:recipient_list_new", args=[municipality.code])
        save_url += f"?{urlencode(form.saved())}" if form.saved() else ""
    context = {
        "municipality": municipality,
        "region": region,
        "form": form,
        "page": page,
        "count": page.paginator.count,
        "count_capped": page.paginator.capped,
        "query": query,
        "page_link_prefix": f"{request.path}?{encoded}&sivu="
        if encoded
        else f"{request.path}?sivu=",
        "save_url": save_url,
        "activities": _matching_activities(form, scope),
        "staff": staff,
        "can_save": municipality is not None and staff,
        "show_municipality": region is not None,
        "action": request.path,
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = (
        "associations/public/_results.html" if fragment else "associations/public/directory.html"
    )
    # A forged value is a 400 with the form's errors; htmx swaps only 2xx, so its fragment
    # says the same with a 200.
    status = 200 if valid or fragment else 400
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def directory(request, code):
    return _directory(request, municipality=_municipality(code))


@require_safe
def region_directory(request, code):
    region = _region(code)
    municipalities = list(Municipality.objects.filter(region=region).order_by("name_fi"))
    return _directory(request, region=region, municipalities=municipalities)


# -- when an activity happens ---------------------------------------------------------------

WEEKLY = {
    0: _lazy("maanantaisin"),
    1: _lazy("tiistaisin"),
    2: _lazy("keskiviikkoisin"),
    3: _lazy("torstaisin"),
    4: _lazy("perjantaisin"),
    5: _lazy("lauantaisin"),
    6: _lazy("sunnuntaisin"),
}


def _clock(t) -> str:
    return f"{t.hour}.{t.minute:02d}"


def when(activity: Activity) -> str:
    """ "tiistaisin klo 18.00–20.00 (ei kesällä)" or "12.5.2026 klo 18.00–21.00"."""
    parts = []
    if activity.kind == Activity.Kind.RECURRING:
        if activity.weekday is not None:
            parts.append(str(WEEKLY.get(activity.weekday, "")))
        if activity.start_time:
            span = _clock(activity.start_time)
            if activity.end_time:
                span += f"–{_clock(activity.end_time)}"
            parts.append(_("klo %(time)s") % {"time": span})
    elif activity.starts_at:
        start = timezone.localtime(activity.starts_at)
        parts.append(f"{start.day}.{start.month}.{start.year}")
        span = _clock(start)
        if activity.ends_at:
            end = timezone.localtime(activity.ends_at)
            if end.date() == start.date():
                span += f"–{_clock(end)}"
            else:
                span += f" – {end.day}.{end.month}.{end.year} {_clock(end)}"
        parts.append(_("klo %(time)s") % {"time": span})
    text = " ".join(p for p in parts if p)
    if activity.schedule_note:
        text = f"{text} ({activity.schedule_note})" if text else activity.schedule_note
    return text


# -- an association's page -----------------------------------------------------------------


def _json_ld(request, association, contacts) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": association.name,
        "url": request.build_absolute_uri(association.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": association.municipality.name,
            "addressCountry": "FI",
        },
    }
    alternate = [n for n in (association.name_fi, association.name_sv, association.name_en) if n]
    alternate = [n for n in dict.fromkeys(alternate) if n != association.name]
    if alternate:
        data["alternateName"] = alternate
    if association.short_description or association.description:
        data["description"] = association.short_description or association.description
    if association.email:
        data["email"] = association.email
    if association.phone:
        data["telephone"] = association.phone
    same_as = [u for u in [association.website, *(association.social_links or [])] if u]
    if same_as:
        data["sameAs"] = same_as
    if association.business_id:
        data["taxID"] = association.business_id
    if association.register_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "yhdistysrekisterinumero",
            "value": association.register_number,
        }
    if association.logo:
        data["logo"] = request.build_absolute_uri(association.logo.url)
    points = []
    for c in contacts:  # only what consent lets anyone see
        details = c.public_details()
        if details and (details["email"] or details["phone"]):
            point = {"@type": "ContactPoint", "contactType": details["role_display"]}
            if details["name"]:
                point["name"] = details["name"]
            if details["email"]:
                point["email"] = details["email"]
            if details["phone"]:
                point["telephone"] = details["phone"]
            points.append(point)
    if points:
        data["contactPoint"] = points
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


@require_safe
def detail(request, pk):
    found = (
        Association.objects.visible_to(request.user)
        .select_related("municipality__region")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.all()),
            Prefetch("target_groups", queryset=TargetGroup.objects.all()),
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name_fi")),
            Prefetch("contacts", queryset=ContactPerson.objects.order_by("order", "pk")),
            Prefetch(
                "activities",
                queryset=Activity.objects.public()
                .upcoming_or_recurring()
                .select_related("municipality")
                .order_by(*activity_public_order()),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("Yhdistystä ei löydy."))
    a = found
    contacts = list(a.contacts.all())
    sees_all = can_view_association_contacts(request.user, a)
    if sees_all:
        shown = [
            {
                "role_display": c.get_role_display(),
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "public": c.public_details() is not None,
            }
            for c in contacts
        ]
    else:
        shown = [{**d, "public": True} for c in contacts if (d := c.public_details()) is not None]
    languages = _language_names()
    return render(
        request,
        "associations/public/detail.html",
        {
            "association": a,
            "contacts": shown,
            "sees_all_contacts": sees_all,
            "language_names": [languages.get(code, code) for code in a.languages or []],
            "activities": [(act, when(act)) for act in a.activities.all()],
            "json_ld": _json_ld(request, a, contacts),
            "can_edit": can_edit_association(request.user, a),
            "can_view_internal": can_view_association_internal(request.user, a),
            "dissolved": a.status == Association.Status.DISSOLVED,
        },
    )


def _language_names() -> dict:
    return {code: str(label) for code, label in LANGUAGE_CHOICES}


# -- an activity's page --------------------------------------------------------------------


@require_safe
def activity(request, pk):
    found = (
        Activity.objects.select_related("association__municipality", "municipality")
        .prefetch_related(Prefetch("target_groups", queryset=TargetGroup.objects.all()))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("Toimintaa ei löydy."))
    is_public = found.is_published and found.association.status != Association.Status.DISSOLVED
    if not is_public and not can_view_association_internal(request.user, found.association):
        raise Http404(_("Toimintaa ei löydy."))
    languages = _language_names()
    return render(
        request,
        "associations/public/activity.html",
        {
            "activity": found,
            "association": found.association,
            "language_names": [languages.get(code, code) for code in found.languages or []],
            "is_public": is_public,
            "when": when(found),
        },
    )


def directory_url(municipality) -> str:
    return reverse("associations:directory", args=[municipality.code])


from . import views_recipients  # noqa: E402  (its patterns live beside its views)

urlpatterns = [
    path("kunnat/<str:code>/yhdistykset/", directory, name="directory"),
    path("maakunnat/<str:code>/yhdistykset/", region_directory, name="region_directory"),
    path("yhdistykset/<int:pk>/", detail, name="detail"),
    path("toiminta/<int:pk>/", activity, name="activity"),
    *views_recipients.urlpatterns,
]
