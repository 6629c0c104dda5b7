"""Which pyvips errors are the server's fault rather than the image's.

pyvips raises one exception class for everything: a damaged file, and also a call the loaded
libvips cannot make (an option or operation it lacks, an enum value it does not know). The
latter are raised by pyvips before libvips runs, with fixed messages; reporting them as "the
file is corrupt" would blame the user for the server's set-up, so callers re-raise them (a
logged 500) instead of turning them into a 400.
"""

from __future__ import annotations

import re

# pyvips' own messages for calls it cannot make (pyvips/voperation.py, gvalue.py, vregion.py).
_BINDING_MESSAGE = re.compile(
    r"does not support optional argument|^no such operation |^\S+ needs \d+ arguments"
    r"|^no value .* in gtype |^value not in enum|^unsupported gtype |^libvips too old"
    r"|^no such interpolator |^unable to get arguments from operation"
)


def is_server_fault(error: BaseException) -> bool:
    """True when ``error`` says the binding cannot make the call, not that the data is bad.
    (A failed build, ``unable to call <operation>``, is what damaged data gives: not listed.)"""
    message = getattr(error, "message", None)
    return isinstance(message, str) and _BINDING_MESSAGE.search(message) is not None
