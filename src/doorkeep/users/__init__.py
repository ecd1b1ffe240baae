"""Users: credentials, brute-force detection, the user profile and the Account REST operations (no HTTP)."""
