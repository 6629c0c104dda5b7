"""Database access: engine creation, migrations and the schema (``tables``)."""
