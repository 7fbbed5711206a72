"""What every API v1 response gets, wrapped around django-ninja's views in urls.py:

- CORS open to every origin for reading (GET, HEAD, OPTIONS); a preflight is answered here.
  No credentials are ever involved, so `*` is safe.
- HEAD is answered as GET without the body.
- `?lang=fi|sv|en` chooses the language of messages (Accept-Language otherwise).
- A strong ETag from the body, with 304 on If-None-Match, and a short public cache life.
  Hashing the body is exact (a withdrawn consent or a renamed theme changes it) and costs
  far less than the queries that built it.
"""

from contextlib import nullcontext
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.translation import gettext as _

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since"
API_LANGUAGES = ("fi", "sv", "en")
MAX_AGE = 60


def requested_language(request) -> str | None:
    lang = (request.GET.get("lang") or "").strip().lower()[:2]
    return lang if lang in API_LANGUAGES else None


def add_cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Content-Language"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def preflight():
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return add_cors(response)


def public_json(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return preflight()
        lang = requested_language(request)
        with translation.override(lang) if lang else nullcontext():
            if request.method not in ("GET", "HEAD"):
                response = JsonResponse(
                    {"detail": _("Rajapinnasta voi vain lukea (GET, HEAD)."), "errors": []},
                    status=405,
                    json_dumps_params={"ensure_ascii": False},
                )
                response["Allow"] = ALLOWED_METHODS
                return add_cors(response)
            head = request.method == "HEAD"
            request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.method = "HEAD" if head else "GET"
            response.headers.setdefault("Content-Language", translation.get_language())
        if response.status_code == 200 and not response.streaming:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            set_response_etag(response)
            response = get_conditional_response(
                request, etag=response.headers["ETag"], response=response
            )
        patch_vary_headers(response, ["Accept-Language"])
        if head and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return add_cors(response)

    return wrapped
