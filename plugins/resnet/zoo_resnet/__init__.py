"""The ResNet architecture plugin for zoo-core."""

__version__ = "0.1.0"
