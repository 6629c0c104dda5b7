"""ImageKit.io API hosts.

The attributes are read at call time, so assigning new values (as the 4.x test-suite does)
redirects every client that has no explicit ``api_base_url``/``upload_base_url`` and no
``IMAGEKIT_API_BASE_URL``/``IMAGEKIT_UPLOAD_BASE_URL`` environment variable.
"""


class URL:
    API_BASE_URL = "https://api.imagekit.io"
    UPLOAD_BASE_URL = "https://upload.imagekit.io"
    BULK_FILE_DELETE = "/batch/deleteByFileIds"
