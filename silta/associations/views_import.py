"""Import and export of a municipality's associations (seed 003: registers).

/kunnat/<code>/tuonti/           upload a file; the municipality's earlier imports
/kunnat/<code>/tuonti/<id>/      progress, then the preview, then the result
/kunnat/<code>/tuonti/<id>/tila/ the progress bar alone (htmx polls it every second)
/kunnat/<code>/tuonti/<id>/tuo/  POST: apply the previewed plan
/kunnat/<code>/vienti/           ?muoto=xlsx|csv&laji=julkinen|sisainen
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silta.accounts.permissions import (
    can_export_associations_internal,
    can_import_associations,
)
from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.core.params import page_number, text_param
from silta.core.views import _page, forbidden
from silta.places.models import Municipality

from . import exporting, import_jobs
from .importing import ACTIONS, FIELD_LABELS
from .models import ImportJob, Theme

PREVIEW_PAGE_SIZE = 100
JOB_PAGE_SIZE = 20
SHOWN_RESULT_ROWS = 1000
# ?nayta= on the preview: which rows are listed.
SHOW = {
    "kaikki": None,
    "virheet": "error",
    "uudet": "create",
    "muuttuvat": "update",
    "ennallaan": "skip",
}
SHOW_LABELS = {
    "kaikki": gettext_lazy("Kaikki rivit"),
    "virheet": gettext_lazy("Virheelliset"),
    "uudet": gettext_lazy("Uudet"),
    "muuttuvat": gettext_lazy("Muuttuvat"),
    "ennallaan": gettext_lazy("Ennallaan"),
}


def _municipality(code) -> Municipality:
    code = (code or "").strip()
    found = None
    if code.isascii() and code.isdigit() and len(code) <= 3:
        found = Municipality.objects.filter(code=code.zfill(3)).first()
    if found is None:
        raise Http404(_("Kuntaa numerolla %(code)s ei löydy.") % {"code": code[:10]})
    return found


def _refuse(request, m):
    return forbidden(
        request,
        _(
            "Vain kunnan %(name)s järjestöyhdyshenkilö ja yhdistysagentit voivat tuoda "
            "yhdistyksiä kunnan rekisteriin."
        )
        % {"name": m.name},
    )


def _job(m, pk) -> ImportJob:
    # Scoped by municipality: another municipality's job id answers 404, like a missing one.
    return get_object_or_404(
        ImportJob.objects.select_related("municipality"), pk=pk, municipality=m
    )


class UploadForm(forms.Form):
    tiedosto = forms.FileField(
        label=gettext_lazy("Tiedosto (CSV tai XLSX)"),
        help_text=gettext_lazy(
            "Enintään 5 Mt. Ensimmäisellä rivillä sarakkeiden otsikot, esimerkiksi nimi, "
            "rekisterinumero, y-tunnus, sähköposti."
        ),
    )

    def clean_tiedosto(self):
        f = self.cleaned_data["tiedosto"]
        name = (f.name or "").lower()
        if f.size > import_jobs.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tiedosto on liian suuri (%(mb)s Mt). Enimmäiskoko on 5 Mt; jaa tiedosto osiin.")
                % {"mb": round(f.size / 1024 / 1024, 1)}
            )
        head = f.read(4096)
        f.seek(0)
        if name.endswith(".xlsx"):
            if not head.startswith(b"PK\x03\x04"):
                raise forms.ValidationError(
                    _("Tiedosto ei ole Excel-tiedosto (xlsx), vaikka sen nimi on.")
                )
        elif name.endswith((".csv", ".txt")):
            if head.startswith(b"PK\x03\x04"):
                raise forms.ValidationError(
                    _("Tiedosto on Excel-tiedosto. Anna sille pääte .xlsx tai tallenna CSV:nä.")
                )
            if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise forms.ValidationError(_("Tiedosto ei ole tekstimuotoinen CSV-tiedosto."))
        else:
            raise forms.ValidationError(
                _(
                    "Vain CSV- ja XLSX-tiedostot voi tuoda. Tallenna Excelissä muodossa xlsx tai CSV."
                )
            )
        return f


@login_required
def upload(request, code):
    m = _municipality(code)
    if not can_import_associations(request.user, m):
        return _refuse(request, m)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = import_jobs.start(request.user, m, form.cleaned_data["tiedosto"])
            return redirect("associations:import_job", m.code, job.pk)
        status = 400
    else:
        form = UploadForm()
        status = 200
    jobs = (
        ImportJob.objects.filter(municipality=m)
        .select_related("created_by")
        .defer("plan", "result")
    )
    return render(
        request,
        "associations/import/upload.html",
        {"municipality": m, "form": form, "page": _page(request, jobs, JOB_PAGE_SIZE)},
        status=status,
    )


def _preview_rows(request, job):
    show = text_param(request, "nayta", 20) or "kaikki"
    if show not in SHOW:
        raise Http404(_("Tuntematon rajaus."))
    rows = job.plan.get("rows", [])
    if SHOW[show]:
        rows = [r for r in rows if r["action"] == SHOW[show]]
    number = page_number(request)
    paginator = Paginator(rows, PREVIEW_PAGE_SIZE)
    if number is None or not (1 <= number <= max(paginator.num_pages, 1)):
        raise Http404(_("Sivua ei ole."))
    return show, paginator.page(number)


def _shown(value, theme_names) -> str:
    if isinstance(value, list):
        return ", ".join(theme_names.get(v, v) for v in value) or "–"
    return value or "–"


def _display(rows) -> list:
    """Plan rows as the preview shows them: changes with Finnish labels and theme names."""
    theme_names = dict(Theme.objects.values_list("slug", "name_fi"))
    shown = []
    for r in rows:
        changes = [
            {
                "label": FIELD_LABELS.get(c["field"], c["field"]),
                "old": _shown(c["old"], theme_names),
                "new": _shown(c["new"], theme_names),
            }
            for c in r.get("changes", [])
        ]
        shown.append({**r, "changes": changes})
    return shown


@login_required
def job_page(request, code, pk):
    m = _municipality(code)
    if not can_import_associations(request.user, m):
        return _refuse(request, m)
    job = _job(m, pk)
    context = {"municipality": m, "job": job, "field_labels": FIELD_LABELS}
    if job.status == ImportJob.Status.READY:
        show, page = _preview_rows(request, job)
        counts = job.counts
        context.update(
            show=show,
            page=page,
            rows=_display(page.object_list),
            filters={"nayta": show if show != "kaikki" else ""},
            show_choices=[
                (
                    key,
                    SHOW_LABELS[key],
                    counts.get(action, 0) if action else sum(counts.get(a, 0) for a in ACTIONS),
                )
                for key, action in SHOW.items()
            ],
            to_write=counts.get("create", 0) + counts.get("update", 0),
            unchanged=counts.get("skip", 0) - counts.get("empty", 0),
        )
    elif job.status == ImportJob.Status.DONE:
        result = job.result
        counts = job.counts
        failed = result.get("failed", [])
        context.update(
            result=result,
            shown=SHOWN_RESULT_ROWS,
            created=result.get("created", [])[:SHOWN_RESULT_ROWS],
            updated=result.get("updated", [])[:SHOWN_RESULT_ROWS],
            created_count=len(result.get("created", [])),
            updated_count=len(result.get("updated", [])),
            failed=failed,
            error_rows=[r for r in job.plan.get("rows", []) if r["action"] == "error"],
            not_imported=counts.get("error", 0) + len(failed),
            unchanged=counts.get("skip", 0)
            - counts.get("empty", 0)
            + len(result.get("unchanged", [])),
        )
    return render(request, "associations/import/job.html", context)


@login_required
def progress(request, code, pk):
    m = _municipality(code)
    if not can_import_associations(request.user, m):
        return _refuse(request, m)
    job = _job(m, pk)
    response = render(
        request, "associations/import/_progress.html", {"job": job, "municipality": m}
    )
    if not job.is_running and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"  # the whole page changes: preview or result
    return response


@login_required
@require_POST
def apply(request, code, pk):
    m = _municipality(code)
    if not can_import_associations(request.user, m):
        return _refuse(request, m)
    job = _job(m, pk)
    if import_jobs.request_apply(request.user, job):
        messages.success(request, _("Tuonti aloitettiin."))
    else:
        messages.error(request, _("Tätä tuontia ei voi enää aloittaa: se on jo tuotu tai kesken."))
    return redirect("associations:import_job", m.code, job.pk)


def export(request, code):
    m = _municipality(code)
    fmt = text_param(request, "muoto", 10) or "xlsx"
    kind = text_param(request, "laji", 20) or exporting.PUBLIC
    if fmt not in exporting.FORMATS or kind not in exporting.KINDS:
        return HttpResponse(
            _("Tuntematon muoto tai laji. Käytä muoto=xlsx tai csv ja laji=julkinen tai sisainen."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if kind == exporting.INTERNAL:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_export_associations_internal(request.user, m):
            return forbidden(
                request,
                _("Sisäisen viennin voivat ladata vain kunnan %(name)s yhteistyötä tekevät.")
                % {"name": m.name},
            )
        audit.record(
            request.user,
            AuditLogEntry.Action.EXPORT,
            m,
            municipality=m,
            note=f"yhdistysten sisäinen vienti ({fmt})",
        )
    if fmt == "csv":
        body, content_type = exporting.to_csv(m, kind), "text/csv; charset=utf-8"
    else:
        body = exporting.to_xlsx(m, kind)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporting.filename(m, kind, fmt)}"'
    if kind == exporting.INTERNAL:
        response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("kunnat/<str:code>/tuonti/", upload, name="import"),
    path("kunnat/<str:code>/tuonti/<int:pk>/", job_page, name="import_job"),
    path("kunnat/<str:code>/tuonti/<int:pk>/tila/", progress, name="import_progress"),
    path("kunnat/<str:code>/tuonti/<int:pk>/tuo/", apply, name="import_apply"),
    path("kunnat/<str:code>/vienti/", export, name="export"),
]
