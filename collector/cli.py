"""``viakoo-ha-collector``: collect every ``interval_seconds``, deliver, survive outages.

Exit status: 0 when stopped by SIGTERM/SIGINT (after a clean flush) or when ``--once``
delivered everything; 1 when ``--once`` had a batch refused (dead-lettered); 2 on a bad
configuration; 75 (EX_TEMPFAIL) when ``--once`` left batches in the spool for later.
"""

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime

from . import __version__
from .config import Config, ConfigError, load_config
from .delivery import Deliverer, HttpSender
from .observations import utc_now
from .sources import Source, SourceError, build_source
from .spool import Spool, SpoolLocked

log = logging.getLogger("collector")

EXIT_OK, EXIT_REFUSED, EXIT_CONFIG, EXIT_PENDING = 0, 1, 2, 75


class StopFlag:
    """Set by a signal handler; sleeping checks it often, so stopping takes < 0.2 s.

    A plain attribute rather than a threading.Event: setting an Event takes a lock, which
    a signal handler must not do while the same thread may hold it.
    """

    def __init__(self):
        self.stopping = False

    def __call__(self) -> bool:
        return self.stopping

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


class Collector:
    """One source, one spool, one server."""

    def __init__(
        self,
        config: Config,
        source: Source,
        deliverer: Deliverer,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.config = config
        self.source = source
        self.deliverer = deliverer
        self.clock = clock

    def collect(self) -> None:
        """Ask the source once and spool what it saw, in batches the server accepts."""
        try:
            observation = self.source.collect(self.clock())
        except SourceError as error:
            log.error("collection failed, trying again next interval: %s", error)
            return
        except Exception:
            # A long-running agent outlives one bad pass; the traceback is for a bug report.
            log.exception("collection failed unexpectedly, trying again next interval")
            return
        batches = 0
        for payload in observation.payloads(self.config.site, self.config.batch_size):
            self.deliverer.spool.append(payload)
            batches += 1
        recording = sum(stream.recording for stream in observation.streams)
        offline = [recorder.name for recorder in observation.recorders if not recorder.online]
        log.info(
            "collected %d stream(s), %d recording, on %d recorder(s)%s -> %d batch(es)",
            len(observation.streams),
            recording,
            len(observation.recorders),
            f" (offline: {', '.join(offline)})" if offline else "",
            batches,
        )

    def run(self, stop: StopFlag) -> int:
        """Collect and deliver until ``stop``; then leave unsent batches in the spool."""
        interval = self.config.interval_seconds
        next_collect = time.monotonic()
        while not stop():
            if time.monotonic() >= next_collect:
                self.collect()
                next_collect = max(next_collect + interval, time.monotonic())
            self.deliverer.drain(
                should_stop=lambda due=next_collect: stop() or time.monotonic() >= due
            )
            wake = next_collect
            if len(self.deliverer.spool):
                wake = min(wake, max(self.deliverer.next_attempt_at, time.monotonic() + 0.05))
            stop.sleep(wake - time.monotonic())
        left = len(self.deliverer.spool)
        log.info(
            "stopped; %d batch(es) left in the spool %s for the next start",
            left,
            self.deliverer.spool.directory,
        )
        return EXIT_OK

    def run_once(self) -> int:
        """One collection and one delivery attempt of everything spooled."""
        self.collect()
        self.deliverer.drain(force=True)
        if self.deliverer.dead_lettered:
            return EXIT_REFUSED
        if len(self.deliverer.spool):
            log.warning(
                "%d batch(es) left in the spool for the next run", len(self.deliverer.spool)
            )
            return EXIT_PENDING
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="viakoo-ha-collector",
        description="Report which recorder records which camera stream to a viakoo-ha server.",
        epilog="The API token is read from the environment variable VIAKOO_HA_TOKEN "
        "(or the one named by token_env), else from the file named by token_file.",
    )
    parser.add_argument(
        "-c",
        "--config",
        default=os.environ.get("VIAKOO_HA_COLLECTOR_CONFIG"),
        help="TOML configuration file (default: $VIAKOO_HA_COLLECTOR_CONFIG)",
    )
    parser.add_argument("--once", action="store_true", help="collect and deliver once, then exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.config:
        log.error("no configuration file: pass --config PATH")
        return EXIT_CONFIG
    try:
        config = load_config(args.config)
        source = build_source(config)
        spool = Spool(config.spool_dir, config.spool_max_bytes)
    except (ConfigError, SpoolLocked) as error:
        log.error("configuration error in %s: %s", args.config, error)
        return EXIT_CONFIG
    except OSError as error:
        log.error("cannot use spool directory: %s", error)
        return EXIT_CONFIG

    sender = HttpSender(config.endpoint, config.token, config.timeout_seconds)
    deliverer = Deliverer(
        spool, sender.send, config.retry_initial_seconds, config.retry_max_seconds
    )
    collector = Collector(config, source, deliverer)
    log.info(
        "collector for site %r -> %s; source %s every %g s; spool %s (%d batch(es) waiting)",
        config.site,
        config.endpoint,
        config.source_type,
        config.interval_seconds,
        config.spool_dir,
        len(spool),
    )
    try:
        if args.once:
            return collector.run_once()
        stop = StopFlag()

        def request_stop(signum, frame):
            log.info(
                "%s received: finishing the current send, then stopping",
                signal.Signals(signum).name,
            )
            stop.stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        return collector.run(stop)
    finally:
        spool.close()
