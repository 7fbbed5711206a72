"""/api/v1/ (the JSON API, its OpenAPI document and docs page) and /api/widget* (the widget
a municipality embeds on its own site)."""

from django.urls import include, path, re_path

from . import views
from .api import api
from .http import public_json


def _api_patterns():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            # ninja's root view only raises 404; keep its name (ninja reverses it) and answer.
            pattern.callback = views.index
        pattern.callback = public_json(pattern.callback)
    patterns.insert(0, path("docs", views.docs, name="docs"))
    patterns.append(re_path(r"^.+$", public_json(views.not_found), name="not-found"))
    return (patterns, app_name), namespace


_api, _namespace = _api_patterns()

urlpatterns = [
    path("api/v1/", include(_api, namespace=_namespace)),
    path("api/widget.js", views.widget_js, name="api-widget-js"),
    path("api/widget/demo/", views.demo, name="api-widget-demo"),
    path("api/widget/<str:code>/", views.widget, name="api-widget"),
]
