from ..errors import UnknownStatusError


class UnknownException(UnknownStatusError):
    """Any other non-success status."""
