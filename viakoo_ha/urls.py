"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("viakoo_ha.api_urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

# JSON under /api/, Django's pages elsewhere (used when DEBUG is off).
handler400 = "viakoo_ha.rest.bad_request"
handler403 = "viakoo_ha.rest.permission_denied"
handler404 = "viakoo_ha.rest.page_not_found"
handler500 = "viakoo_ha.rest.server_error"
