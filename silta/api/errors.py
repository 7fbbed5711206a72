"""Errors of the public API: always JSON `{"detail": ..., "errors": [...]}`, never a 500.

`detail` is one sentence for a person, in the request's language (Finnish msgids, `?lang=`
or Accept-Language); each item of `errors` names the parameter, a stable machine-readable
code and the same kind of message."""

from django.utils.translation import gettext as _


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []

    def body(self) -> dict:
        return {"detail": self.detail, "errors": self.errors}


def bad_parameter(parameter: str, code: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, message, [{"parameter": parameter, "code": code, "message": message}])


def _value_message(parameter: str, kind: str, ctx: dict) -> str:
    """A Finnish sentence for one failed check of a query or path parameter."""
    if parameter == "page":
        return _("Sivunumeron pitää olla positiivinen kokonaisluku (1, 2, 3 …).")
    if parameter == "page_size":
        return _("Sivun koon pitää olla kokonaisluku väliltä 1–100.")
    if parameter == "q":
        return _("Hakusana saa olla enintään %(max)s merkkiä pitkä.") % {
            "max": ctx.get("max_length", 200)
        }
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Parametrin %(name)s pitää olla kokonaisluku.") % {"name": parameter}
    if kind == "missing":
        return _("Parametri %(name)s puuttuu.") % {"name": parameter}
    return _("Parametrin %(name)s arvo ei kelpaa.") % {"name": parameter}


def from_validation(errors: list[dict]) -> ApiError:
    """django-ninja's (pydantic's) validation errors as one 400 with Finnish messages.
    A path that is not an id at all (/associations/abc) names nothing: 404."""
    if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in errors):
        return ApiError(404, _("Tietoa ei löydy: tunnisteen pitää olla kokonaisluku."))
    items = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        parameter = loc[0] if loc else "?"
        kind = str(error.get("type", "value_error"))
        message = _value_message(parameter, kind, error.get("ctx") or {})
        if not any(item["parameter"] == parameter for item in items):
            items.append({"parameter": parameter, "code": kind, "message": message})
    detail = items[0]["message"] if len(items) == 1 else _("Pyynnön parametreissa on virheitä.")
    return ApiError(400, detail, items)
