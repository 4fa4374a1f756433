"""The augmentation sets plugin for zoo-core."""

__version__ = "0.1.0"
