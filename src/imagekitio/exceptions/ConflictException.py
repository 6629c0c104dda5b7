from ..errors import ConflictError


class ConflictException(ConflictError):
    """409 Conflict (rename_file)."""
