"""ccmkit: ratification support packages for the Convention on Cluster Munitions.

The public API (heavy modules load on first use, so ``ccmkit --help`` stays fast)::

    import ccmkit
    registry = ccmkit.load_registry()
    subject = ccmkit.prepare(registry, ccmkit.PackageRequest("KEN", Path("kenya.yaml")))
    files = ccmkit.render_document(subject, "instrument", "en")   # {"docx": b"...", ...}
    manifest = ccmkit.build_package(subject, Path("out"), ["auto"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccmkit._version import __version__
from ccmkit.errors import (
    CcmkitError,
    DataError,
    NotEligible,
    OutputError,
    StateNotFound,
    TemplateError,
)

__all__ = [
    "CcmkitError",
    "DataError",
    "NotEligible",
    "Options",
    "OutputError",
    "PackageRequest",
    "StateNotFound",
    "Subject",
    "TemplateError",
    "__version__",
    "build_package",
    "find_state",
    "load_registry",
    "prepare",
    "read_profile",
    "render_document",
]

if TYPE_CHECKING:
    from ccmkit.api import (
        PackageRequest,
        build_package,
        find_state,
        load_registry,
        prepare,
        read_profile,
        render_document,
    )
    from ccmkit.documents.options import Options
    from ccmkit.documents.subject import Subject

_LAZY = {"build_package": "ccmkit.api", "find_state": "ccmkit.api",
         "load_registry": "ccmkit.api", "prepare": "ccmkit.api",
         "PackageRequest": "ccmkit.api",
         "read_profile": "ccmkit.api", "render_document": "ccmkit.api",
         "Options": "ccmkit.documents.subject", "Subject": "ccmkit.documents.subject"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ccmkit' has no attribute {name!r}")
