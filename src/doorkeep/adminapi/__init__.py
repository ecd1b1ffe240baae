"""What the admin endpoints that tools call first answer, without HTTP: server info, realm keys."""
