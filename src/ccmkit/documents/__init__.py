"""Documents of the package: each kind builds its template context from a Subject and a Locale.

The registry of kinds is :mod:`ccmkit.documents.kinds`; their options are
:mod:`ccmkit.documents.options` (importing that alone stays light, for the command line).
"""
