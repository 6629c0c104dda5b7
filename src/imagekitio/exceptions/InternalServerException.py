from ..errors import InternalServerError


class InternalServerException(InternalServerError):
    """500/502/503/504."""
