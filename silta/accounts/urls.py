from django.urls import path

from . import views

urlpatterns = [
    path("oma/", views.dashboard, name="dashboard"),
    path("oma/profiili/", views.profile, name="profile"),
    path("oma/omat-tiedot.json", views.personal_data, name="personal_data"),
    path("oma/poista-tili/", views.erasure, name="erasure"),
    path("koordinaatio/<int:pk>/", views.organisation, name="organisation"),
]
