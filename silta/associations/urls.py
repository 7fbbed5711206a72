from django.urls import path

from . import views, views_edit, views_import, views_public

app_name = "associations"
# Each feature keeps its own patterns beside its views: public directory pages
# (views_public), editing and yearly confirmation (views_edit), import/export (views_import).
urlpatterns = [
    path("yhdistykset/<int:pk>/toimijat/", views.members, name="members"),
    *views_public.urlpatterns,
    *views_edit.urlpatterns,
    *views_import.urlpatterns,
]
