"""4.x result classes, one module per class."""
