from django.urls import path

from . import views, views_cooperation

app_name = "places"
urlpatterns = [
    path("maakunnat/<str:code>/", views.region, name="region"),
    path("kunnat/<str:code>/", views.municipality, name="municipality"),
    path("kunnat/<str:code>/tyotila/", views.workspace, name="workspace"),
    path("kunnat/<str:code>/yhteistyo/", views_cooperation.cooperation, name="cooperation"),
    path(
        "kunnat/<str:code>/yhteistyo/muokkaa/",
        views_cooperation.cooperation_edit,
        name="cooperation_edit",
    ),
]
