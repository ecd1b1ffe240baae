"""The consoles' web layer: the shared base (sign-in, CSRF, layout) and each console's pages."""
