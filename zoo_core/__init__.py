"""zoo-core: an image-classification model zoo whose every component is a plugin.

Importing this package never imports TensorFlow; the modules that need it import it on use.
"""

from zoo_core.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]
