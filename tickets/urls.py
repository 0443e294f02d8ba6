"""Ticket pages, under ``/sites/<slug>/tickets/``."""

from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("acknowledge/", views.tickets_acknowledge, name="acknowledge_many"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/acknowledge/", views.ticket_acknowledge, name="acknowledge"),
]
