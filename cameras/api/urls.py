from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CameraViewSet, ObservationsView, RecorderViewSet, StreamViewSet

router = SimpleRouter()
router.register("cameras", CameraViewSet, basename="camera")
router.register("recorders", RecorderViewSet, basename="recorder")
router.register("streams", StreamViewSet, basename="stream")

urlpatterns = [
    path("observations/", ObservationsView.as_view(), name="observations"),
    *router.urls,
]
