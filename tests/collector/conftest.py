"""A stub of ``POST /api/v1/observations/`` on a real local HTTP server, and config helpers.

The collector tests need no database: the stub stands in for the server, speaking the
API contract (token auth, 200 with counts, JSON errors).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TOKEN = "test-token-123"


class IngestStub:
    """Records every batch it accepted, in order. ``mode``: up, 500, 400, slow."""

    def __init__(self):
        self.received: list[dict] = []
        self.attempts = 0
        self.mode = "up"
        self.slow_seconds = 1.0
        self.request_started = threading.Event()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.attempts += 1
                stub.request_started.set()
                if self.path != "/api/v1/observations/":
                    return self.answer(404, {"detail": "Not found."})
                if self.headers.get("Authorization") != f"Token {TOKEN}":
                    return self.answer(401, {"detail": "Invalid token."})
                if stub.mode == "500":
                    return self.answer(500, {"detail": "Server error."})
                if stub.mode == "400":
                    return self.answer(400, {"streams": {"0": {"camera": ["Too long."]}}})
                if stub.mode == "slow":
                    time.sleep(stub.slow_seconds)
                payload = json.loads(body)
                stub.received.append(payload)
                streams = len(payload["streams"])
                return self.answer(
                    200,
                    {
                        "site": payload["site"],
                        "streams": {"accepted": streams, "created": 0, "ignored_stale": 0},
                        "cameras": {"created": 0},
                        "recorders": {"created": 0},
                    },
                )

            def answer(self, status: int, document: dict) -> None:
                data = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        """Unreachable: connections are refused until ``start()`` on the same port."""
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def streams(self) -> list[dict]:
        return [stream for payload in self.received for stream in payload["streams"]]


@pytest.fixture
def ingest_stub():
    stub = IngestStub()
    stub.start()
    yield stub
    stub.stop()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def token_env(monkeypatch):
    monkeypatch.setenv("VIAKOO_HA_TOKEN", TOKEN)
    return TOKEN
