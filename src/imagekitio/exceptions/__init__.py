"""4.x exception classes, one module per class."""
