"""How long a note saved from the preview takes to show: from the POST that saves it to the
reloaded page holding its mark, in `serve` on a synthetic collection of N pieces.

    .venv/bin/python bench/annotate_preview.py --n 1000 [--runs 7] [--keep]

Makes the corpus (bench/make_corpus.py) in a temporary folder, starts `site-builder serve` on a
free 127.0.0.1 port and waits for its first build, then, for each run, does what the page and
the browser do: POST a new note on a passage of one piece (with the page's secret, Origin and
file SHA-256), wait on the live-reload WebSocket for the reload, GET the page and check it has
the note's mark. Prints each run and the median. The corpus is deleted unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parent.parent
ENDPOINT = "/__site_builder__/annotations"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse().read().decode("utf-8")


def post(port: int, settings: dict, request: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"slug": settings["slug"], "sha256": settings["sha256"], **request})
    connection.request("POST", ENDPOINT, body, {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}",
                                                 "X-Site-Builder-Token": settings["token"]})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def passages(page: str, count: int) -> list[str]:
    """Runs of four plain words from the page's paragraphs (the outlet's text)."""
    text = page[page.index('class="article-text"'):]
    text = text[:text.index("</section>")]
    words = re.findall(r"<p>([A-Za-z][A-Za-z ,]{30,}?)[.<]", text)
    found = [" ".join(sentence.split()[:4]) for sentence in words]
    return list(dict.fromkeys(found))[:count]


async def one_run(port: int, path: str, words: str) -> float:
    settings = json.loads(html.unescape(re.search(r'data-annotate="([^"]*)"', get(port, path)).group(1)))
    socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await socket_.read_message()
    await socket_.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}{path}"}))
    started = time.perf_counter()
    status, answer = post(port, settings, {"action": "add", "exact": words, "start": 0, "note": "Timed.", "kind": "comment"})
    assert status == 200, answer
    while json.loads(await asyncio.wait_for(socket_.read_message(), 30))["command"] != "reload":
        pass
    page = get(port, path)
    elapsed = time.perf_counter() - started
    socket_.close()
    assert f'data-annotation="{answer["id"]}"' in page, "the reloaded page has no mark"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="annotate-bench-"))
    site = folder / "site"
    subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(args.n), str(site)], check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)})
    try:
        for line in server.stdout:
            print(line, end="")
            if line.startswith("Serving at"):
                break
        time.sleep(3)  # let the first build's search index settle
        slug = sorted((site / "content" / "articles").glob("*.md"))[len(list((site / "content" / "articles").glob("*.md"))) // 2].stem
        path = f"/articles/{slug}/"
        times = []
        for words in passages(get(port, path), args.runs):
            times.append(asyncio.run(one_run(port, path, words)))
            print(f"  {words!r}: {times[-1]:.3f} s")
            time.sleep(2.5)  # the rebuild after the editor's pause, as between two notes
        print(f"N={args.n}: from POST to the reloaded page with the mark, median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(folder)], check=False)
        else:
            print(f"kept: {folder}")


if __name__ == "__main__":
    main()
