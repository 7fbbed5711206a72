from django.urls import path

from . import views

app_name = "associations"
urlpatterns = [
    path("yhdistykset/<int:pk>/toimijat/", views.members, name="members"),
]
