"""Session lifecycle: online and offline user sessions and their client sessions."""
