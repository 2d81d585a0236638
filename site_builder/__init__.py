"""site_builder: a static site generator for annotated reading collections."""

__version__ = "0.1.0"
