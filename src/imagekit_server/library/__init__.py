"""The media library's write operations on files and folders (the API modules stay thin), the
cache purge of files' derived images (``purge``), and the account's named transformations
(``named_transformations``)."""
