from ..basics.errors import StudioError  # noqa: F401  (its home is studio.basics.errors; kept for the footage package)
