"""Compatibility of plugins with the running zoo-core, read from metadata before any import.

A plugin declares the zoo-core versions it supports as an ordinary dependency of its
distribution, for example ``dependencies = ["zoo-core>=0.1,<0.2"]`` in its ``pyproject.toml``.
That requirement reaches the installed metadata as ``Requires-Dist: zoo-core<0.2,>=0.1``, which
the loader reads without importing the plugin. A distribution that declares no zoo-core
requirement is treated as compatible with every version.
"""

from __future__ import annotations

import logging
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

logger = logging.getLogger(__name__)

CORE_DISTRIBUTION = "zoo-core"


def declared_core_range(distribution: metadata.Distribution | None) -> str | None:
    """Return the zoo-core specifier that ``distribution`` requires, or None when it declares none.

    Requirements that apply only to an extra or to another platform are ignored.
    """
    if distribution is None:
        return None
    for line in distribution.requires or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            logger.debug("%s: skipped an unreadable requirement %r", distribution.metadata["Name"], line)
            continue
        if canonicalize_name(requirement.name) != CORE_DISTRIBUTION:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        return str(requirement.specifier)
    return None


def incompatibility(core_range: str | None, core_version: str) -> str | None:
    """Return why ``core_version`` lies outside ``core_range``, or None when it lies inside.

    Pre-releases of zoo-core count as inside a range that their release would satisfy.
    """
    if not core_range:
        return None
    try:
        version = Version(core_version)
        specifier = SpecifierSet(core_range)
        # PEP 440 orders 0.2.0rc1 before 0.2, so the release is checked as well as the version.
        inside = any(specifier.contains(candidate, prereleases=True)
                     for candidate in (version, Version(version.base_version)))
    except InvalidVersion:
        return f"zoo-core {core_version} is not a valid version to compare with {core_range}"
    if inside:
        return None
    return f"requires zoo-core{core_range}, but zoo-core {core_version} is running"
