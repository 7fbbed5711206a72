from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("maakunnat/<str:code>/", views.region, name="region"),
    path("kunnat/<str:code>/", views.municipality, name="municipality"),
    path("kunnat/<str:code>/tyotila/", views.workspace, name="workspace"),
]
