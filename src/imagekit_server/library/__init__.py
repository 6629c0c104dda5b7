"""The media library's write operations on files and folders (the API modules stay thin)."""
