from ..errors import PartialSuccessError


class PartialSuccessException(PartialSuccessError):
    """207 Multi-Status (bulk operations)."""
