"""Camera pages, under ``/sites/<slug>/``."""

from django.urls import path

from . import views

app_name = "cameras"

urlpatterns = [
    path("details/", views.camera_table, name="table"),
    path("details/cameras.csv", views.camera_table_csv, name="table_csv"),
    path("cameras/edit/", views.cameras_edit, name="edit"),
    path("cameras/<int:camera_id>/", views.camera_detail, name="detail"),
    path("recorders/", views.recorder_list, name="recorders"),
]
