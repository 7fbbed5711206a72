from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from silta.accounts.permissions import can_view_audit_log, can_view_sent_email
from silta.places.models import Municipality, Region

from .models import AuditLogEntry, OutgoingEmail
from .params import page_number, text_param

PAGE_SIZE = 50


def forbidden(request, message=None):
    return render(
        request,
        "403.html",
        {"message": message or _("Sinulla ei ole oikeutta tähän sivuun.")},
        status=403,
    )


def requires(check):
    """Signed-in people only, and only those for whom `check(user)` holds; others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _page(request, queryset, size=PAGE_SIZE):
    paginator = Paginator(queryset, size)
    number = page_number(request)
    if number is None or not (1 <= number <= max(paginator.num_pages, 1)):
        raise Http404(_("Sivua ei ole."))
    return paginator.page(number)


def home(request):
    regions = Region.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name_fi"))
    )
    return render(request, "core/home.html", {"regions": regions})


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


@requires(can_view_audit_log)
def audit_log(request):
    entries = AuditLogEntry.objects.select_related("municipality")
    object_type = text_param(request, "tyyppi", 100)
    who = text_param(request, "tekija", 254)
    code = text_param(request, "kunta", 3)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if who:
        entries = entries.filter(actor_label__icontains=who)
    if code:
        entries = entries.filter(municipality__code=code)
    types = (
        AuditLogEntry.objects.order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "page": _page(request, entries),
            "types": types,
            "filters": {"tyyppi": object_type, "tekija": who, "kunta": code},
        },
    )


@requires(can_view_sent_email)
def sent_emails(request):
    emails = OutgoingEmail.objects.defer("body_text", "body_html")
    status = request.GET.get("tila", "")
    if status in OutgoingEmail.Status.values:
        emails = emails.filter(status=status)
    return render(
        request,
        "core/sent_emails.html",
        {
            "page": _page(request, emails),
            "status": status,
            "statuses": OutgoingEmail.Status.choices,
        },
    )


@requires(can_view_sent_email)
def sent_email(request, pk):
    return render(
        request, "core/sent_email.html", {"email": get_object_or_404(OutgoingEmail, pk=pk)}
    )


def not_found(request, exception=None):
    return render(request, "404.html", {"message": str(exception) if exception else ""}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
