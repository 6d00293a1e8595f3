"""g287: the open registry of the U.S. 287(g) program."""

__version__ = "0.1.0"
