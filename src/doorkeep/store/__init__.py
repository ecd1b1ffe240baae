"""Storage: SQLAlchemy Core over SQLite and PostgreSQL, behind narrow repositories."""
