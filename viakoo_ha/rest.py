"""REST framework wiring shared by every app's API: pagination, parsing, JSON errors."""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``: 50 rows by default, at most 1000."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 (not 500) for absurdly deep nesting too."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from error


def _with_index_keys(detail):
    """Lists of per-item errors become ``{"3": {...}}`` so that clients see field paths."""
    if isinstance(detail, dict):
        return {key: _with_index_keys(value) for key, value in detail.items()}
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        return {str(index): _with_index_keys(item) for index, item in enumerate(detail) if item}
    return detail


def exception_handler(error, context):
    """DRF's handler, with validation errors keyed by item index."""
    from rest_framework.views import exception_handler as drf_exception_handler  # import cycle

    response = drf_exception_handler(error, context)
    if response is not None and isinstance(error, exceptions.ValidationError):
        response.data = _with_index_keys(response.data)
    return response


@csrf_exempt  # a POST to a wrong path deserves the JSON 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/: a JSON 404 (with a hint when only a slash is missing)."""
    detail = "Not found."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            detail = f"Not found. Did you mean {request.path}/ (with a trailing slash)?"
    return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception, template_name="404.html"):
    """handler404: JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    """handler500: JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse(
            {"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    return defaults.server_error(request, template_name)


def bad_request(request, exception, template_name="400.html"):
    """handler400: JSON under /api/ (e.g. a request Django itself cannot read)."""
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    """handler403: JSON under /api/."""
    if _is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."},
            status=status.HTTP_403_FORBIDDEN,
        )
    return defaults.permission_denied(request, exception, template_name)
