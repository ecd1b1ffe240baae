"""Client policies (Keycloak 26's ``client-policies``): profiles of executors, and policies whose conditions
pick the clients and requests the profiles' executors apply to. Core code: no web framework, no SQL."""
