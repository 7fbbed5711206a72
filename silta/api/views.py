"""Pages around the JSON API: its index and docs page, and the municipal widget.

The widget is one snippet on the municipality's own site:

    <div data-silta-directory data-municipality="564" data-lang="fi"></div>
    <script src="https://SILTA/api/widget.js" defer></script>

widget.js puts an <iframe> of `widget()` in the div. The page inside is Silta's own,
server-rendered and usable without JavaScript; only it may be framed by any site (CSP
frame-ancestors *, no X-Frame-Options), and it sends no referrer and sets no cookies.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from silta.associations import search, vocabulary
from silta.core.params import page_number, text_param

from . import queries
from .api import api
from .errors import ApiError
from .schemas import Links

WIDGET_LANGUAGES = ("fi", "sv", "en")
WIDGET_PAGE_SIZE = 10
WIDGET_JS = Path(__file__).resolve().parent / "static" / "api" / "widget.js"
# The same policy as everywhere, except that any site may frame the widget page.
WIDGET_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def index(request, **kwargs):
    """/api/v1/: where things are."""
    root = request.build_absolute_uri(reverse("api-v1:api-root"))
    return JsonResponse(
        {
            "name": "Silta API",
            "version": "1",
            "docs": request.build_absolute_uri(reverse("api-v1:docs")),
            "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
            "endpoints": {
                name: f"{root}{name}"
                for name in (
                    "municipalities",
                    "themes",
                    "target-groups",
                    "associations",
                    "activities",
                )
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


def not_found(request, **kwargs):
    docs = request.build_absolute_uri(reverse("api-v1:docs"))
    return JsonResponse(
        {
            "detail": _("Rajapinnassa ei ole tällaista osoitetta. Ohjeet: %(docs)s")
            % {"docs": docs},
            "errors": [],
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


# ---------------------------------------------------------------- docs page

# One runnable example per operation (path template → path and query to show).
CURL_EXAMPLES = {
    "/api/v1/municipalities": "/api/v1/municipalities",
    "/api/v1/themes": "/api/v1/themes",
    "/api/v1/target-groups": "/api/v1/target-groups",
    "/api/v1/associations": "/api/v1/associations?municipality=564&q=yhdistyksen&page_size=5",
    "/api/v1/associations/{association_id}": "/api/v1/associations/1",
    "/api/v1/activities": "/api/v1/activities?municipality=564&page=2",
    "/api/v1/activities/{activity_id}": "/api/v1/activities/1",
}


@cache
def _openapi() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _resolve(node: dict, components: dict) -> dict:
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _example(node: dict, components: dict, depth: int = 0):
    """An example value for a JSON schema node: the schema's own example when it has one,
    built from its parts otherwise."""
    node = _resolve(node, components)
    if node.get("examples"):
        return node["examples"][0]
    if depth > 6:
        return None
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        return _example(options[0], components, depth + 1) if options else None
    kind = node.get("type")
    if kind == "array":
        return [_example(node.get("items", {}), components, depth + 1)]
    if kind == "object" or "properties" in node:
        return {
            name: _example(prop, components, depth + 1)
            for name, prop in node.get("properties", {}).items()
        }
    return {"string": "", "integer": 0, "number": 0, "boolean": True}.get(kind)


def _type_name(node: dict) -> str:
    if "anyOf" in node:
        return " | ".join(_type_name(o) for o in node["anyOf"] if o.get("type") != "null")
    return {"string": _("teksti"), "integer": _("kokonaisluku"), "boolean": _("totuusarvo")}.get(
        node.get("type", ""), node.get("type", "")
    )


def _constraints(node: dict) -> str:
    parts = []
    if "minimum" in node:
        parts.append(f"≥ {node['minimum']}")
    if "maximum" in node:
        parts.append(f"≤ {node['maximum']}")
    if "maxLength" in node:
        parts.append(_("enintään %(n)s merkkiä") % {"n": node["maxLength"]})
    if node.get("default") not in (None, ""):
        parts.append(_("oletus %(value)s") % {"value": node["default"]})
    return ", ".join(parts)


def _operations(base: str) -> list[dict]:
    schema = _openapi()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for route, methods in schema["paths"].items():
        for method, op in methods.items():
            parameters = []
            for p in op.get("parameters", []):
                node = p.get("schema", {})
                parameters.append(
                    {
                        "name": p["name"],
                        "where": _("polku") if p["in"] == "path" else _("kysely"),
                        "required": p.get("required", False),
                        "type": _type_name(node),
                        "constraints": _constraints(node),
                        "description": p.get("description") or node.get("description", ""),
                    }
                )
            responses = []
            for status, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                example = _example(content["schema"], components) if "schema" in content else None
                responses.append(
                    {
                        "status": status,
                        "example": json.dumps(example, ensure_ascii=False, indent=2)
                        if example is not None
                        else "",
                    }
                )
            example_path = CURL_EXAMPLES.get(route, route)
            found.append(
                {
                    "method": method.upper(),
                    "route": route,
                    "anchor": op.get("operationId", route).rsplit("_", 1)[-1],
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": parameters,
                    "responses": responses,
                    "curl": f"curl '{base}{example_path}'",
                }
            )
    return found


@require_safe
def docs(request):
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(base),
            "base": base,
            "openapi_url": reverse("api-v1:openapi-json"),
            "info": _openapi().get("info", {}),
            "origin": base,
            "demo_url": reverse("api-widget-demo"),
        },
    )


# ---------------------------------------------------------------- the widget


@cache
def _widget_js() -> tuple[bytes, str]:
    body = WIDGET_JS.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_safe
def widget_js(request):
    """The loader a municipality's page includes. Served at a fixed address (not under
    /static/, whose names change with every release), cached for an hour."""
    body, etag = _widget_js()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_cache_control(response, public=True, max_age=3600)
    return get_conditional_response(request, etag=etag, response=response)


def widget_language(request) -> str:
    lang = (request.GET.get("lang") or "").strip().lower()[:2]
    return lang if lang in WIDGET_LANGUAGES else "fi"


def _in_language(obj, base: str, lang: str) -> tuple[str, str]:
    """The text in `lang`, falling back to Finnish; and the language it is really in."""
    text = getattr(obj, f"{base}_{lang}", "") or ""
    if text:
        return text, lang
    return getattr(obj, f"{base}_fi", "") or "", "fi"


def _widget_params(request, **changes) -> str:
    params = request.GET.copy()
    for key in ("page",):
        params.pop(key, None)
    for key, value in changes.items():
        params[key] = str(value)
    return "?" + params.urlencode()


def _card(association, lang: str, links: Links) -> dict:
    name, name_lang = _in_language(association, "name", lang)
    short, short_lang = _in_language(association, "short_description", lang)
    return {
        "id": association.pk,
        "name": name,
        "name_lang": name_lang,
        "short": short,
        "short_lang": short_lang,
        "url": links.page("associations:detail", association.pk),
        "website": association.website,
        "themes": [t.name for t in association.themes.all()],
        "languages": association.languages or [],
        "dormant": association.status == association.Status.DORMANT,
    }


def _render_widget(request, code: str, lang: str):
    try:
        municipality = queries.municipality_by_code(code)
    except ApiError:
        return render(
            request,
            "api/widget_missing.html",
            {"lang": lang, "code": code[:10]},
            status=404,
        )
    q = text_param(request, "q", search.MAX_QUERY_LENGTH)
    theme_slug = text_param(request, "theme", 40)
    themes = vocabulary.themes()
    theme = next((t for t in themes if t.slug == theme_slug), None)
    number = page_number(request, "page") or 1
    qs = queries.associations(municipality=municipality, q=q, theme=theme)
    page = queries.paginate(
        qs, max(number, 1), WIDGET_PAGE_SIZE, display=queries.for_listing, strict=False
    )
    links = Links(request)
    context = {
        "lang": lang,
        "municipality": municipality,
        "municipality_name": municipality.name,
        "q": q,
        "themes": themes,
        "theme": theme,
        "page": page,
        "cards": [_card(a, lang, links) for a in page.rows],
        "previous_url": _widget_params(request, page=page.number - 1) if page.has_previous else "",
        "next_url": _widget_params(request, page=page.number + 1) if page.has_next else "",
        "silta_url": request.build_absolute_uri("/"),
        "searching": bool(q or theme),
    }
    template = "api/widget_results.html" if getattr(request, "htmx", False) else "api/widget.html"
    return render(request, template, context)


@require_safe
@xframe_options_exempt
@csp_override(WIDGET_CSP)
def widget(request, code):
    """The directory of one municipality, made to live inside an iframe on its site."""
    lang = widget_language(request)
    with translation.override(lang):
        response = _render_widget(request, code, lang)
    response["Content-Language"] = lang
    response["Referrer-Policy"] = "no-referrer"
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def demo(request):
    """A made-up municipal page that embeds the widget with the documented snippet."""
    origin = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "api/demo.html",
        {"origin": origin, "docs_url": reverse("api-v1:docs")},
    )
