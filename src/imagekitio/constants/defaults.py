"""Defaults of URL generation (4.x ``imagekitio.constants.defaults.Default``)."""

import enum


class Default(enum.Enum):
    DEFAULT_TRANSFORMATION_POSITION = "path"
    QUERY_TRANSFORMATION_POSITION = "query"
    VALID_TRANSFORMATION_POSITION = ["path", "query"]
    # Expiry used in the signed message of a URL that never expires.
    DEFAULT_TIMESTAMP = 9999999999
    # Present in 4.x but never added to URLs.
    SDK_VERSION = "python-3.2.0"
    TRANSFORMATION_PARAMETER = "tr"
    CHAIN_TRANSFORM_DELIMITER = ":"
    TRANSFORM_DELIMITER = ","
    TRANSFORM_KEY_VALUE_DELIMITER = "-"
    SIGNATURE_PARAMETER = "ik-s"
    TIMESTAMP_PARAMETER = "ik-t"
    # Characters JavaScript's encodeURI leaves alone (besides letters, digits and ``-_.``).
    IGNORE_CHARACTERS = "~@#$&()*!+=:;,?/'"
