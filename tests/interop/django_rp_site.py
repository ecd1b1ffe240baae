"""The URLconf and the code of the Django project ``django_rp_settings`` describes: mozilla-django-oidc's backend
as its documentation has it overridden, its logout URL method, and a page showing the signed-in user. Imported by
Django once it is set up (its models need the settings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from interop.django_rp_settings import HOST


class DoorkeepOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # mozilla-django-oidc is untyped
    """mozilla-django-oidc's backend as its documentation has it overridden: users named by ``preferred_username``
    and given their names, instead of a hash of the email."""

    def create_user(self, claims: dict[str, Any]) -> Any:
        return self.update_user(
            self.UserModel.objects.create_user(claims["preferred_username"], email=claims["email"]), claims
        )

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        user.first_name, user.last_name = claims.get("given_name", ""), claims.get("family_name", "")
        user.save()
        return user


def end_session_url(request: HttpRequest) -> str:
    """``OIDC_OP_LOGOUT_URL_METHOD``: Doorkeep's end-session endpoint with the stored ID token as the hint."""
    query = {
        "id_token_hint": request.session["oidc_id_token"],
        "post_logout_redirect_uri": f"{HOST}/",
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}"


def whoami(request: HttpRequest) -> JsonResponse:
    """The signed-in Django user, as the application sees it."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({}, status=401)
    assert isinstance(user, get_user_model())
    fields = ("username", "email", "first_name", "last_name")
    return JsonResponse({name: getattr(user, name) for name in fields})


urlpatterns = [
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("accounts/", include("allauth.urls")),
    path("social/", include("social_django.urls", namespace="social")),
    path("whoami/", whoami),
]
