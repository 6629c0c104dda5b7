from ..errors import BadRequestError


class BadRequestException(BadRequestError):
    """400 Bad Request."""
