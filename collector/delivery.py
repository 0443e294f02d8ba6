"""Delivery: send spooled batches to the server, oldest first, and decide what each answer means.

| answer                                 | what happens                                        |
|----------------------------------------|-----------------------------------------------------|
| 2xx                                    | delivered: removed from the spool                   |
| no answer, 5xx, 408, 429, 3xx redirect | kept; retried with exponential backoff and jitter   |
| other 4xx                              | logged with the server's message, dead-lettered     |

Delivery is at least once: a batch whose answer is lost is sent again, which is
harmless because every observation carries its own ``observed_at`` and the server
ignores observations older than what it already has.
"""

import http.client
import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from . import __version__
from .spool import Spool

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = {408, 429}


@dataclass(frozen=True)
class Answer:
    """The server's answer; ``status`` is None when there was none (network error)."""

    status: int | None
    message: str

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return (
            self.status is None
            or self.status >= 500
            or self.status in RETRYABLE_STATUSES
            or 300 <= self.status < 400
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would turn a redirected POST into a GET without a body, and a 200 for that
    # GET would look like a delivery. A redirect means server_url is wrong: say so.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpSender:
    """POSTs a batch to ``/api/v1/observations/`` with the collector's token."""

    def __init__(self, endpoint: str, token: str, timeout: float):
        self.endpoint = endpoint
        self.token = token
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirects)

    def send(self, body: bytes) -> Answer:
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Token {self.token}",
                "User-Agent": f"viakoo-ha-collector/{__version__}",
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, _text(response.read()))
        except urllib.error.HTTPError as error:
            message = _text(error.read())
            if 300 <= error.code < 400:
                location = error.headers.get("Location", "?")
                message = f"server_url redirects to {location}: fix server_url"
            return Answer(error.code, message)
        except urllib.error.URLError as error:
            return Answer(None, str(error.reason))
        except (OSError, http.client.HTTPException) as error:
            return Answer(None, f"{type(error).__name__}: {error}")


def _text(data: bytes, limit: int = 2000) -> str:
    return data.decode("utf-8", "replace")[:limit]


class Deliverer:
    """Drains the spool in order; after a failure, waits with exponential backoff."""

    def __init__(
        self,
        spool: Spool,
        send: Callable[[bytes], Answer],
        retry_initial_seconds: float = 2.0,
        retry_max_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ):
        self.spool = spool
        self.send = send
        self.retry_initial_seconds = retry_initial_seconds
        self.retry_max_seconds = retry_max_seconds
        self.clock = clock
        self.jitter = jitter
        self.failures = 0
        self.next_attempt_at = 0.0
        self.dead_lettered = 0

    def backoff(self) -> float:
        """Seconds to wait after ``failures`` failures in a row: doubling, capped, jittered.

        The jitter (between half and all of the delay) keeps many collectors that lost
        the same server from all coming back at the same instant.
        """
        delay = min(self.retry_max_seconds, self.retry_initial_seconds * 2 ** (self.failures - 1))
        return delay * (0.5 + self.jitter() / 2)

    def drain(
        self, should_stop: Callable[[], bool] = lambda: False, *, force: bool = False
    ) -> None:
        """Send waiting batches, oldest first, until the spool is empty or a send fails.

        Before ``next_attempt_at`` (the backoff after a failure) nothing is sent unless
        ``force``. ``should_stop`` is asked before each send, never during one.
        """
        if not force and self.clock() < self.next_attempt_at:
            return
        for batch in self.spool.batches():
            if should_stop():
                return
            try:
                body = batch.read()
            except FileNotFoundError:
                continue  # dropped by the spool bound meanwhile
            answer = self.send(body)
            if answer.delivered:
                self.spool.remove(batch)
                if self.failures:
                    log.info("server reachable again after %d failed attempt(s)", self.failures)
                self.failures = 0
                log.info("delivered batch %s: %s", batch.path.name, _summary(answer.message))
            elif answer.retryable:
                self.failures += 1
                wait = self.backoff()
                self.next_attempt_at = self.clock() + wait
                waiting = len(self.spool)
                log.warning(
                    "server %s: %d batch(es) wait in the spool; next attempt in %.1f s",
                    f"answered {answer.status} ({' '.join(answer.message.split())[:200]})"
                    if answer.status
                    else f"unreachable ({answer.message})",
                    waiting,
                    wait,
                )
                return
            else:
                path = self.spool.dead_letter(batch, answer.status, answer.message)
                self.dead_lettered += 1
                log.error(
                    "server refused batch %s with %d: %s; kept in %s, not retried",
                    batch.path.name,
                    answer.status,
                    " ".join(answer.message.split())[:500],
                    path,
                )


def _summary(message: str) -> str:
    try:
        result = json.loads(message)
        streams = result["streams"]
        return (
            f"{streams['accepted']} stream(s) accepted, {streams.get('created', 0)} new, "
            f"{streams.get('ignored_stale', 0)} ignored as older than known"
        )
    except (ValueError, KeyError, TypeError):
        return "accepted"
