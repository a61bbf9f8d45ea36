"""Why each document says what it says: data for the internal brief, never rendered.

Every context builder returns `choices`, a list of :class:`ccmkit.rules.Choice` (in English, for
the ISU). The outgoing templates never use them.
"""

from ccmkit.rules import Choice

__all__ = ["Choice"]
