"""Top-level URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("viakoo_ha.api_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sites/", include("sites.urls")),
    path("sites/<slug:slug>/", include("cameras.urls")),
    path("sites/<slug:slug>/tickets/", include("tickets.urls")),
    path("", RedirectView.as_view(pattern_name="sites:list", permanent=False)),
]

# JSON under /api/, Django's pages elsewhere (used when DEBUG is off).
handler400 = "viakoo_ha.rest.bad_request"
handler403 = "viakoo_ha.rest.permission_denied"
handler404 = "viakoo_ha.rest.page_not_found"
handler500 = "viakoo_ha.rest.server_error"
