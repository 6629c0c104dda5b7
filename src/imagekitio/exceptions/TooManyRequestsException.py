from ..errors import RateLimitError


class TooManyRequestsException(RateLimitError):
    """429 Too Many Requests."""
