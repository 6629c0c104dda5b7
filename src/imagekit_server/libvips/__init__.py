"""The libvips the server runs on: which build pyvips binds to (``binding``), whether it has
every operation and option the server passes (``requirements``), and which pyvips errors are
the server's own rather than the file's (``errors``). See docs/operations.md, "libvips"."""
