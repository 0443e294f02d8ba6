"""Personas and sites shared by every test module."""

import pytest
from django.contrib.auth import get_user_model

from sites.choices import Role
from sites.models import SiteMembership

from .factories import make_site


@pytest.fixture
def site(db):
    return make_site("hq", name="Headquarters")


@pytest.fixture
def other_site(db):
    return make_site("branch", name="Branch office")


def _member(username: str, site, role: str | None, **flags):
    user = get_user_model().objects.create_user(username, password="pw-" + username, **flags)
    if role:
        SiteMembership.objects.create(user=user, site=site, role=role)
    return user


@pytest.fixture
def site_admin(site):
    return _member("ann", site, Role.ADMIN)


@pytest.fixture
def viewer(site):
    return _member("victor", site, Role.VIEWER)


@pytest.fixture
def collector(site):
    return _member("collector-hq", site, Role.COLLECTOR)


@pytest.fixture
def outsider(other_site):
    """An administrator of another site: must never see ours."""
    return _member("otto", other_site, Role.ADMIN)


@pytest.fixture
def staff(db):
    return _member("sam", None, None, is_staff=True)


@pytest.fixture
def api():
    """``api(user)``: a DRF client authenticated with the user's token (None: anonymous)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for
