"""4.x helper modules: case conversion, signatures, response conversion."""
