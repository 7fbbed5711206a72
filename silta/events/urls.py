from django.urls import path

from . import views, views_channels, views_feed, views_workshop

app_name = "events"
urlpatterns = [
    path("tapahtumat/", views.mine, name="mine"),
    path("tapahtumat/uusi/", views.create, name="create"),
    path("tapahtumat/samana-paivana/", views_feed.same_day, name="same_day"),
    path("kalenteri/vaihda-osoite/", views_feed.feed_rotate, name="feed_rotate"),
    path("kalenteri/<str:secret>.ics", views_feed.feed, name="feed"),
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
    path("tapahtumat/<int:pk>/viestinta/", views_channels.channel_texts, name="channels"),
    path(
        "tapahtumat/<int:pk>/viestinta/kutsut.txt",
        views_channels.channel_texts_txt,
        name="channels_txt",
    ),
    path("tapahtumat/<int:pk>/juliste.pdf", views_channels.poster, name="poster"),
    path("ilmoittautuminen/<str:token>/", views.registration, name="registration"),
    path("tapahtumat/<int:pk>/tyopaja/", views_workshop.workshop_board, name="workshop_board"),
    path(
        "tapahtumat/<int:pk>/tyopaja/taulu/",
        views_workshop.workshop_board_fragment,
        name="workshop_board_fragment",
    ),
    path("tyopaja/<str:token>/", views_workshop.workshop_public, name="workshop_public"),
    path(
        "tyopaja/<str:token>/<int:question>/",
        views_workshop.workshop_question,
        name="workshop_question",
    ),
    path(
        "tapahtumat/<int:pk>/kooste/muokkaa/",
        views_workshop.summary_edit,
        name="summary_edit",
    ),
    path("tapahtumat/<int:pk>/kooste/", views_workshop.summary_public, name="summary"),
    path("tapahtumat/<int:pk>/kooste.pdf", views_workshop.summary_pdf, name="summary_pdf"),
    path("kunnat/<str:code>/tapahtumat/", views.municipality_events, name="municipality"),
    path("kunnat/<str:code>/tapahtumat.ics", views.municipality_ics, name="municipality_ics"),
]
