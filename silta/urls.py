from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from silta.accounts.views import RequestReauthenticationCodeView
from silta.core import views as core

urlpatterns = [
    path("", core.home, name="home"),
    path("saavutettavuusseloste/", core.accessibility, name="accessibility"),
    path("tietosuojaseloste/", core.privacy, name="privacy"),
    path("kieli/", set_language, name="set_language"),
    path("yllapito/muutosloki/", core.audit_log, name="audit_log"),
    path("yllapito/viestit/", core.sent_emails, name="sent_emails"),
    path("yllapito/viestit/<int:pk>/", core.sent_email, name="sent_email"),
    # allauth's, with Silta's form (see the view).
    path(
        "tili/reauthenticate/code/",
        RequestReauthenticationCodeView.as_view(),
        name="account_request_reauthentication_code",
    ),
    path("tili/", include("allauth.urls")),
    path("", include("silta.accounts.urls")),
    path("", include("silta.places.urls")),
    path("", include("silta.associations.urls")),
    path("", include("silta.api.urls")),
    path("", include("silta.events.urls")),
    path("", include("silta.surveys.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "silta.core.views.not_found"
handler500 = "silta.core.views.server_error"
