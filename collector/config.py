"""The collector's TOML configuration, checked up front with messages a person can act on.

```toml
server_url = "https://viakoo-ha.example.com"
site = "hq"
interval_seconds = 30
spool_dir = "/var/lib/viakoo-ha-collector"

[source]
type = "directory"          # or "simulate", "json"
...                         # the source's own options
```

The API token is never in the file: it comes from the environment variable named by
``token_env`` (default ``VIAKOO_HA_TOKEN``) or, when that is not set, from the file
named by ``token_file`` (for secrets managers, and the demo). Relative paths are
relative to the directory holding the configuration file.
"""

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .observations import MAX_STREAMS_PER_BATCH

DEFAULT_TOKEN_ENV = "VIAKOO_HA_TOKEN"


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix."""


_MISSING = object()


class Table:
    """Typed access to one TOML table; every error names the offending key."""

    def __init__(self, values: Mapping, where: str):
        if not isinstance(values, Mapping):
            raise ConfigError(f"{where} must be a table")
        self.values = dict(values)
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str, default):
        self.used.add(key)
        value = self.values.get(key, default)
        if value is _MISSING:
            raise ConfigError(f"{self._name(key)} is required")
        return value

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def string(self, key: str, default=_MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or (default is _MISSING and not value.strip()):
            raise ConfigError(f"{self._name(key)} must be a non-empty string, got {value!r}")
        return value

    def number(self, key: str, default=_MISSING, *, minimum: float = 0.0) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self._name(key)} must be a number, got {value!r}")
        if not math.isfinite(value) or value <= minimum:
            raise ConfigError(f"{self._name(key)} must be greater than {minimum:g}, got {value!r}")
        return float(value)

    def integer(self, key: str, default=_MISSING, *, minimum: int = 1, maximum=None) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self._name(key)} must be an integer, got {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"at least {minimum}" + (f" and at most {maximum}" if maximum else "")
            raise ConfigError(f"{self._name(key)} must be {bounds}, got {value!r}")
        return value

    def boolean(self, key: str, default=_MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self._name(key)} must be true or false, got {value!r}")
        return value

    def path(self, key: str, base_dir: Path, default=_MISSING) -> Path:
        return resolve(self.string(key, default), base_dir)

    def table(self, key: str) -> "Table":
        """A required sub-table (``[source]``)."""
        return Table(self._get(key, _MISSING), self._name(key))

    def tables(self, key: str) -> list["Table"]:
        """An array of tables (``[[source.recorders]]``), at least one."""
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{self._name(key)} must be a non-empty array of tables")
        return [Table(item, f"{self._name(key)}[{index}]") for index, item in enumerate(value)]

    def finish(self) -> None:
        """Refuse keys nobody asked for: a typo must not silently fall back to a default."""
        unknown = sorted(set(self.values) - self.used)
        if unknown:
            names = ", ".join(self._name(key) for key in unknown)
            raise ConfigError(f"unknown setting(s): {names}")


def resolve(path: str, base_dir: Path) -> Path:
    expanded = Path(path).expanduser()
    # abspath, not resolve(): normalise "..", but neither follow symlinks nor touch the disk
    return Path(os.path.abspath(base_dir / expanded))


@dataclass(frozen=True)
class Config:
    """Everything the collector needs to run."""

    server_url: str
    site: str
    token: str
    spool_dir: Path
    source_type: str
    source: Table = field(repr=False)
    base_dir: Path
    interval_seconds: float = 30.0
    batch_size: int = MAX_STREAMS_PER_BATCH
    spool_max_bytes: int = 256 * 1024 * 1024
    timeout_seconds: float = 30.0
    retry_initial_seconds: float = 2.0
    retry_max_seconds: float = 300.0

    @property
    def endpoint(self) -> str:
        return self.server_url.rstrip("/") + "/api/v1/observations/"


def load_config(path: str | Path, environ: Mapping[str, str] = os.environ) -> Config:
    """Read and check a configuration file; raise ConfigError saying what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except OSError as error:
        raise ConfigError(f"cannot read configuration file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    return parse_config(document, base_dir=path.resolve().parent, environ=environ)


def parse_config(document: Mapping, base_dir: Path, environ: Mapping[str, str]) -> Config:
    from .sources import SOURCES

    top = Table(document, "")
    server_url = top.string("server_url")
    url = urlsplit(server_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError(f"server_url must be an http:// or https:// URL, got {server_url!r}")
    token = _token(top, base_dir, environ)
    source = top.table("source")
    source_type = source.string("type")
    if source_type not in SOURCES:
        known = ", ".join(sorted(SOURCES))
        raise ConfigError(f"unknown source.type {source_type!r} (known: {known})")
    retry_initial = top.number("retry_initial_seconds", 2.0)
    retry_max = top.number("retry_max_seconds", 300.0)
    if retry_max < retry_initial:
        raise ConfigError("retry_max_seconds must not be smaller than retry_initial_seconds")
    config = Config(
        server_url=server_url,
        site=top.string("site"),
        token=token,
        spool_dir=top.path("spool_dir", base_dir),
        source_type=source_type,
        source=source,
        base_dir=base_dir,
        interval_seconds=top.number("interval_seconds", 30.0),
        batch_size=top.integer("batch_size", MAX_STREAMS_PER_BATCH, maximum=MAX_STREAMS_PER_BATCH),
        spool_max_bytes=int(top.number("spool_max_mb", 256.0) * 1024 * 1024),
        timeout_seconds=top.number("timeout_seconds", 30.0),
        retry_initial_seconds=retry_initial,
        retry_max_seconds=retry_max,
    )
    top.finish()
    return config


def _token(top: Table, base_dir: Path, environ: Mapping[str, str]) -> str:
    """The API token: from the environment first, else from ``token_file``."""
    token_env = top.string("token_env", DEFAULT_TOKEN_ENV)
    token = environ.get(token_env, "").strip()
    token_file = top.values.get("token_file")  # read only when the variable is unset
    if not token and token_file is not None:
        path = top.path("token_file", base_dir)
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read token_file {path}: {error}") from None
    top.used.add("token_file")
    if not token:
        where = f" or put it in token_file ({token_file})" if token_file is not None else ""
        raise ConfigError(
            f"no API token: set the environment variable {token_env}{where} "
            "(make one on the server with `manage.py drf_create_token USER`)"
        )
    return token
