"""English count phrases for messages: "1 combination", "2 combinations"."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return ``count`` followed by the singular noun for a count of one, else the plural noun.

    ``plural_form`` defaults to ``singular`` with an ``s`` appended; pass it for other plurals
    ("run directory", "run directories").
    """
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {noun}"
