from ..errors import NotFoundError


class NotFoundException(NotFoundError):
    """404 Not Found (only for methods that special-case 404)."""
