from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("tapahtumat/", views.mine, name="mine"),
    path("tapahtumat/uusi/", views.create, name="create"),
    path("tapahtumat/<int:pk>/", views.detail, name="detail"),
    path("tapahtumat/<int:pk>/tapahtuma.ics", views.event_ics, name="event_ics"),
    path("tapahtumat/<int:pk>/ilmoittaudu/", views.register, name="register"),
    path("tapahtumat/<int:pk>/muokkaa/", views.edit, name="edit"),
    path("tapahtumat/<int:pk>/suunnittelu/", views.plan, name="plan"),
    path("tapahtumat/<int:pk>/ilmoittautuneet/", views.registrations, name="registrations"),
    path(
        "tapahtumat/<int:pk>/ilmoittautuneet.xlsx",
        views.registrations_xlsx,
        name="registrations_xlsx",
    ),
    path("tapahtumat/<int:pk>/paikalla/", views.attendance, name="attendance"),
    path("ilmoittautuminen/<str:token>/", views.registration, name="registration"),
    path("kunnat/<str:code>/tapahtumat/", views.municipality_events, name="municipality"),
    path("kunnat/<str:code>/tapahtumat.ics", views.municipality_ics, name="municipality_ics"),
]
