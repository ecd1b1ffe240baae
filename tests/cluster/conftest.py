"""The cluster tests' shared fixtures, defined (and type-checked) in worker_fixtures.py: mypy takes tests/cluster
as an import root, where a conftest.py would be a second module named ``conftest`` (pyproject.toml excludes this
file, which holds no code of its own)."""

from worker_fixtures import idp, pair

__all__ = ["idp", "pair"]
