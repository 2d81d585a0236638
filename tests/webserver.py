"""Serve a built site on 127.0.0.1 under a sub-path, as GitHub Pages serves a project site."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Maps `/<prefix>/x` to `<directory>/x`; anything outside the prefix is a 404, like Pages."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass


class _Server(http.server.ThreadingHTTPServer):
    # Pagefind fetches many chunks at once, each on a connection of its own (HTTP/1.0): with the
    # default backlog of 5, a busy machine drops connections and the browser waits seconds to retry.
    request_queue_size = 128


@contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Yield the site's base address (`http://127.0.0.1:<port><prefix>`) while serving it."""
    handler = type("Handler", (_SubPathHandler,), {"prefix": prefix})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
