"""Sources: where a collector learns which recorder records which stream.

Each source is a small class with one method, ``collect(now) -> Observation``, built from
the ``[source]`` table of the configuration by ``from_config``.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ..config import Config
from ..observations import Observation


class Source(Protocol):
    def collect(self, now: datetime) -> Observation:
        """What the recorders look like at ``now``; raise SourceError when unknowable."""


class SourceError(Exception):
    """One pass failed (file unreadable, bad JSON...): logged, retried next interval."""


def _simulate(config: Config) -> Source:
    from .simulate import SimulatedSite

    return SimulatedSite.from_config(config.source, config.base_dir)


def _directory(config: Config) -> Source:
    from .directory import DirectorySource

    return DirectorySource.from_config(config.source, config.base_dir)


def _json(config: Config) -> Source:
    from .jsonfile import JsonSource

    return JsonSource.from_config(config.source, config.base_dir, site=config.site)


SOURCES: dict[str, Callable[[Config], Source]] = {
    "simulate": _simulate,
    "directory": _directory,
    "json": _json,
}


def build_source(config: Config) -> Source:
    """The configured source; raises ConfigError on bad or unknown options."""
    source = SOURCES[config.source_type](config)
    config.source.finish()
    return source
