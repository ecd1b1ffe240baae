"""Server-rendered pages: login, consent, logout, errors, and the session iframes."""
