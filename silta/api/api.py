"""Public API v1: the association directory of every municipality, read-only, no keys.

Mounted at /api/v1/ by urls.py, which wraps each view with CORS, ETag and language handling
(http.py). The page /api/v1/docs is Silta's own (views.docs); ninja's Swagger page would load
its scripts from a CDN, which the CSP does not allow.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from silta.associations.models import Activity, Association, TargetGroup, Theme
from silta.places.models import Municipality

from . import queries
from . import schemas as s
from .errors import ApiError, from_validation


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Silta – avoin rajapinta",
    version="1",
    description=(
        "Yhdistysten ja niiden toiminnan julkiset tiedot kunnittain. Maksuton, ei "
        "rekisteröitymistä eikä avainta. Vain julkiset tiedot: lakanneet yhdistykset, "
        "julkaisemattomat toiminnat ja yhteyshenkilöt ilman voimassa olevaa suostumusta "
        "eivät näy koskaan."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
    renderer=Utf8Renderer(),
)

ERRORS = {400: s.ErrorOut, 404: s.ErrorOut}

LANG = Query(
    None,
    description="Virheilmoitusten kieli: fi (oletus), sv tai en. Myös Accept-Language käy.",
)
PAGE = Query(1, ge=1, description="Sivun numero, 1 on ensimmäinen.")
PAGE_SIZE = Query(
    queries.DEFAULT_PAGE_SIZE,
    ge=1,
    le=queries.MAX_PAGE_SIZE,
    description="Tuloksia sivulla, 1–100 (oletus 20).",
)
Q = Query(
    "",
    max_length=200,
    description="Hakusana(t). Ymmärtää taivutetut suomen sanat: ”yhdistyksen” löytää "
    "”Kyläyhdistys ry”. Nimiosumat ensin.",
)
MUNICIPALITY = Query(None, description="Kuntanumero, esim. 564 (Oulu).")


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    error = from_validation(exc.errors)
    return api.create_response(request, error.body(), status=error.status)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return api.create_response(request, {"detail": _("Tietoa ei löydy."), "errors": []}, status=404)


def _page_links(request, page: queries.Page) -> tuple[str | None, str | None]:
    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return (
        link(page.number + 1) if page.has_next else None,
        link(page.number - 1) if page.has_previous else None,
    )


@api.get(
    "/municipalities",
    response={200: list[s.MunicipalityOut]},
    url_name="municipalities",
    summary="Kunnat",
    description="Kaikki Suomen kunnat (308 vuonna 2026) maakuntineen ja kielisyyksineen. "
    "Koko luettelo kerralla, ei sivutusta.",
)
def municipalities(request, lang: str | None = LANG):
    rows = Municipality.objects.select_related("region").order_by("name_fi")
    return [s.municipality(m) for m in rows]


@api.get(
    "/themes",
    response={200: list[s.VocabularyOut]},
    url_name="themes",
    summary="Teemat",
    description="Yhdistysten teemat (toimialat). Suodata yhdistyksiä theme-parametrilla.",
)
def themes(request, lang: str | None = LANG):
    return [s.vocabulary(t) for t in Theme.objects.all()]


@api.get(
    "/target-groups",
    response={200: list[s.VocabularyOut]},
    url_name="target-groups",
    summary="Kohderyhmät",
    description="Kenelle toiminta on tarkoitettu. Suodata target_group-parametrilla.",
)
def target_groups(request, lang: str | None = LANG):
    return [s.vocabulary(t) for t in TargetGroup.objects.all()]


@api.get(
    "/associations",
    response={200: s.AssociationPage, **ERRORS},
    url_name="associations",
    summary="Yhdistykset",
    description="Toiminnassa olevat ja tauolla olevat yhdistykset (ei lakanneita). "
    "Kuntarajaus ottaa mukaan kunnan omat yhdistykset ja kunnassa toimivat muiden kuntien "
    "yhdistykset. Ilman hakua järjestys on aakkosellinen; haussa nimiosumat ensin.",
)
def associations(
    request,
    municipality: str | None = MUNICIPALITY,
    q: str = Q,
    theme: str | None = Query(None, description="Teeman tunniste (slug), ks. /themes."),
    target_group: str | None = Query(
        None, description="Kohderyhmän tunniste (slug), ks. /target-groups."
    ),
    language: str | None = Query(
        None, description="Toimintakieli: fi, sv, en, se, ru, et, ar, so, uk tai fi-sign."
    ),
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
    lang: str | None = LANG,
):
    q = queries.check_query(q)
    qs = queries.associations(
        municipality=queries.municipality_by_code(municipality) if municipality else None,
        q=q,
        theme=queries.theme_by_slug(theme) if theme is not None else None,
        target_group=queries.target_group_by_slug(target_group)
        if target_group is not None
        else None,
        language=queries.check_language(language) if language is not None else None,
    )
    found = queries.paginate(qs, page, page_size, display=queries.for_listing)
    links = s.Links(request)
    next_url, previous_url = _page_links(request, found)
    return {
        "count": found.count,
        "count_exact": found.exact,
        "next": next_url,
        "previous": previous_url,
        "results": [s.association_summary(a, links) for a in found.rows],
    }


@api.get(
    "/associations/{association_id}",
    response={200: s.AssociationDetail, **ERRORS},
    url_name="association",
    summary="Yhdistyksen julkinen profiili",
    description="Kuvaukset, teemat, kohderyhmät, yhteystiedot, saavutettavuus, toimintakunnat, "
    "suostumuksen antaneet yhteyshenkilöt (vain ne tiedot, joihin suostumus on annettu) ja "
    "julkaistu säännöllinen tai tuleva toiminta. Lakannut yhdistys: 404.",
)
def association(request, association_id: int, lang: str | None = LANG):
    found = queries.for_profile(Association.objects.public().filter(pk=association_id)).first()
    if found is None:
        raise ApiError(404, _("Yhdistystä numerolla %(id)s ei löydy.") % {"id": association_id})
    return s.association_detail(found, s.Links(request))


@api.get(
    "/activities",
    response={200: s.ActivityPage, **ERRORS},
    url_name="activities",
    summary="Toiminta",
    description="Yhdistysten julkaistu toiminta: säännöllinen toiminta ja tulevat "
    "tapahtumat (menneet kertaluonteiset jäävät pois). Järjestys: viikonpäivä ja kellonaika, "
    "sitten alkamisaika.",
)
def activities(
    request,
    municipality: str | None = MUNICIPALITY,
    association: int | None = Query(None, description="Yhdistyksen numero (id)."),
    q: str = Q,
    target_group: str | None = Query(None, description="Kohderyhmän tunniste (slug)."),
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
    lang: str | None = LANG,
):
    q = queries.check_query(q)
    qs = queries.activities(
        municipality=queries.municipality_by_code(municipality) if municipality else None,
        association=queries.public_association(association) if association is not None else None,
        q=q,
        target_group=queries.target_group_by_slug(target_group)
        if target_group is not None
        else None,
    )
    # Activities are counted up to a cap: an exact count would read every activity of a
    # city with its association (decision 0011).
    found = queries.paginate(
        qs,
        page,
        page_size,
        display=queries.activities_for_listing,
        cap=queries.SEARCH_COUNT_CAP,
    )
    links = s.Links(request)
    next_url, previous_url = _page_links(request, found)
    return {
        "count": found.count,
        "count_exact": found.exact,
        "next": next_url,
        "previous": previous_url,
        "results": [s.activity(act, links) for act in found.rows],
    }


@api.get(
    "/activities/{activity_id}",
    response={200: s.ActivityOut, **ERRORS},
    url_name="activity",
    summary="Yksi toiminta",
    description="Julkaistu toiminta, myös mennyt. Julkaisematon tai lakanneen yhdistyksen toiminta: 404.",
)
def activity(request, activity_id: int, lang: str | None = LANG):
    found = (
        queries.activities_for_listing(Activity.objects.public().filter(pk=activity_id))
        .order_by()
        .first()
    )
    if found is None:
        raise ApiError(404, _("Toimintaa numerolla %(id)s ei löydy.") % {"id": activity_id})
    return s.activity(found, s.Links(request))


api.add_router("/events", "silta.events.api.router")
