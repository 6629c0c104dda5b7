from ..errors import PermissionDeniedError


class ForbiddenException(PermissionDeniedError):
    """403 Forbidden."""
