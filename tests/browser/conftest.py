"""The Chromium tests' shared fixtures, defined (and type-checked) in browser_fixtures.py: mypy takes tests/browser
as an import root, where a conftest.py would be a second module named ``conftest`` (pyproject.toml excludes this
file, which holds no code of its own)."""

from browser_fixtures import browser, page, server, viewport

__all__ = ["browser", "page", "server", "viewport"]
