"""What the pages share: the database engine, the State registry and the job runner."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Engine

from ccmkit.data.states import Registry, load_registry
from ccmkit.jobs.run import InlineExecutor
from ccmkit.log.store import Log
from ccmkit.web.jobs import JobRunner


@dataclass
class Services:
    """One per app: built at start, used by every request."""

    log: Log  # the follow-up log (and its database, which also holds the users)
    jobs: JobRunner
    _registry: Registry | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Services:
        from ccmkit.web.users import bind_jobs

        log = Log(config.get("CCMKIT_DB"), user="web")
        executor = InlineExecutor() if config.get("CCMKIT_EXECUTOR") == "inline" else None
        jobs = JobRunner(Path(config["CCMKIT_OUTPUT_DIR"]), int(config["CCMKIT_WORKERS"]),
                         log.engine, executor)
        bind_jobs(jobs.root, log.engine)
        if config.get("CCMKIT_WARM"):
            jobs.warm()
        return cls(log, jobs)

    @property
    def engine(self) -> Engine:
        return self.log.engine

    def log_as(self, user: str) -> Log:
        """The log, recording changes under a signed-in user's name."""
        return self.log.as_user(user)

    @property
    def registry(self) -> Registry:
        """The States, loaded once (shipped data + the user's data folder, as the CLI)."""
        with self._lock:
            if self._registry is None:
                self._registry = load_registry()
            return self._registry

    def reload_registry(self) -> None:
        """Read the States again (after facts were imported into the data folder)."""
        with self._lock:
            self._registry = None


def services() -> Services:
    """The current app's services."""
    return current_app.extensions["ccmkit"]
