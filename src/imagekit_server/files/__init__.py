"""The media library: file and folder records, names and paths, and their API objects."""
