from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("kysely/<str:token>/", views.answer, name="answer"),
    path("kyselyt/", views.index, name="index"),
    path("kyselyt/lomakkeet/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("kyselyt/lomakkeet/<int:pk>/kopioi/", views.questionnaire_copy, name="questionnaire_copy"),
    path(
        "kyselyt/lomakkeet/<int:pk>/muokkaa/", views.questionnaire_edit, name="questionnaire_edit"
    ),
    path("kyselyt/kierrokset/uusi/", views.round_create, name="round_create"),
    path("kyselyt/kierrokset/<int:pk>/", views.round_detail, name="round"),
    path("kyselyt/kierrokset/<int:pk>/laheta/", views.round_send, name="round_send"),
    path("kyselyt/kierrokset/<int:pk>/muistuta/", views.round_remind, name="round_remind"),
    path("kyselyt/kierrokset/<int:pk>/kutsut/", views.round_invite, name="round_invite"),
    path("kyselyt/kierrokset/<int:pk>/haastattelu/", views.interview, name="interview"),
    path(
        "kyselyt/kierrokset/<int:pk>/haastattelu/<int:response_id>/",
        views.interview,
        name="interview_edit",
    ),
    path("kyselyt/kierrokset/<int:pk>/tulokset/", views.round_results, name="results"),
    path("kyselyt/kierrokset/<int:pk>/vastaukset.csv", views.export_csv, name="export_csv"),
    path("kyselyt/kierrokset/<int:pk>/vastaukset.xlsx", views.export_xlsx, name="export_xlsx"),
    path("kyselyt/vertailu/<str:code>/", views.comparison, name="comparison"),
    path(
        "kyselyt/vertailu/<str:code>/esitys/",
        views.comparison,
        {"present": True},
        name="comparison_present",
    ),
    path("kyselyt/alue/<str:code>/", views.region_overview, name="region_overview"),
    path(
        "kyselyt/alue/<str:code>/kartoitukset.xlsx",
        views.region_overview_xlsx,
        name="region_overview_xlsx",
    ),
]
