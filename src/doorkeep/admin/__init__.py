"""What the Admin REST API (/admin/realms) does, without HTTP: operations, permissions, representations."""
