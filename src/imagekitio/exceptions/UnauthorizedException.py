from ..errors import AuthenticationError


class UnauthorizedException(AuthenticationError):
    """401 Unauthorized."""
