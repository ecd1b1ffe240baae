"""The wire tests' HTTP client: a browser's way with Keycloak's redirect to the required actions.

Once a login's authentication flow is through, Keycloak answers 302 to ``login-actions/required-action?execution=…``
(AuthenticationManager.redirectToRequiredActions) and the page is that URL's GET; a browser follows it at once. The
tests drive the login over plain HTTP without following redirects (the code's redirect to the client is what they
read), so this client follows that one redirect alone, as a browser does, and keeps it in the page's ``history``.
``follow_required_actions = False`` (or ``raw``) answers the 302 itself, for the tests of the redirect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

REQUIRED_ACTION_PATH = "/login-actions/required-action"


def to_required_action(response: httpx.Response) -> bool:
    """Whether ``response`` is Keycloak's redirect to a required action's page."""
    if response.status_code != 302 or "location" not in response.headers:
        return False
    return httpx.URL(response.headers["location"]).path.endswith(REQUIRED_ACTION_PATH)


class BrowserClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` that follows the redirect to a required action's page (and only that one)."""

    follow_required_actions = True

    async def send(self, request: httpx.Request, *args: Any, **kwargs: Any) -> httpx.Response:
        response = await super().send(request, *args, **kwargs)
        if not self.follow_required_actions or not to_required_action(response):
            return response
        await response.aread()
        page = await self.get(response.headers["location"])
        page.history = [*response.history, response, *page.history]
        return page


@contextmanager
def raw(http: httpx.AsyncClient) -> Iterator[httpx.AsyncClient]:
    """``http`` answering the redirect to a required action itself while the block runs."""
    if not isinstance(http, BrowserClient):
        yield http
        return
    http.follow_required_actions = False
    try:
        yield http
    finally:
        http.follow_required_actions = True


def followed(http: httpx.Client, response: httpx.Response) -> httpx.Response:
    """A synchronous client's answer with Keycloak's redirect to a required action followed, as a browser does."""
    return http.get(response.headers["location"]) if to_required_action(response) else response
