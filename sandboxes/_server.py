"""A small JSON HTTP server for the local stand-ins of outside services (stdlib only)."""

import argparse
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

logger = logging.getLogger("sandbox")


class JsonHandler(BaseHTTPRequestHandler):
    """Subclasses set `routes`: a list of (method, compiled regex, handler method name)."""

    routes: list = []
    server_version = "ECS-Sandbox/1.0"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        # Paths carry certificate and company numbers, never names or dates of birth.
        logger.info("%s %s", self.command, self.path.split("?")[0])

    def _dispatch(self):
        path = self.path.split("?")[0]
        for method, pattern, name in self.routes:
            match = re.fullmatch(pattern, path)
            if method == self.command and match:
                return getattr(self, name)(**match.groupdict())
        return self.send_json(404, {"error": "not found"})

    do_GET = _dispatch
    do_POST = _dispatch

    def query(self) -> dict:
        from urllib.parse import parse_qs, urlsplit

        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}") if length else {}

    def send_json(self, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The caller stopped waiting (its timeout, as the tests of slow services mean it to): nothing to answer.
            logger.info("%s %s: the caller went away before the answer", self.command, self.path.split("?")[0])


def start_in_thread(handler_class, *, host: str = "127.0.0.1", port: int = 0):
    """Start a server in a daemon thread; returns (server, base_url). Stop it with server.shutdown()."""
    server = ThreadingHTTPServer((host, port), handler_class)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def serve_from_command_line(handler_class, *, description: str, default_port: int) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = ThreadingHTTPServer((args.host, args.port), handler_class)
    logger.info("%s on http://%s:%s", description, args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
