"""The REST API: version 1 under /api/v1/, its OpenAPI schema and interactive docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .rest import api_not_found

v1 = [
    path("", include("cameras.api.urls")),
    path("", include("sites.api.urls")),
    path("", include("tickets.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Everything else under /api/ answers a JSON 404, also with DEBUG on.
    re_path(r"", api_not_found),
]
