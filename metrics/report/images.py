"""Plotly figures as PNG through Kaleido 1.x and the system Chromium (Debian: /usr/bin/chromium).

Starting Chromium costs about two seconds; an export through Kaleido's running sync server about
0.15 s. So the server is started once per process, on the first export, and stopped at exit.
Its task and result queues are shared by all callers without a lock of their own, and Streamlit
runs every session (and every on-click download) in a thread of its own: exports are serialised
here, or two sessions could receive each other's picture.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import threading
from collections import OrderedDict

import kaleido
import plotly.graph_objects as go

# CSS pixels of the picture; scale 2 keeps it sharp on a projector and in print
PNG_WIDTH = 1000
PNG_HEIGHT = 560
PNG_SCALE = 2
# a broken browser must not hang a download or the CLI for ever
EXPORT_TIMEOUT_SECONDS = 60
# names Kaleido's browser discovery (choreographer) looks for on PATH
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_CACHE_ENTRIES = 64


class ChartExportError(RuntimeError):
    """No picture: no Chromium on this machine, or Kaleido failed or timed out."""


_lock = threading.Lock()
_server_running = False
_stop_registered = False
# set after a timeout: Kaleido's server cannot be restarted while its thread hangs
_stuck = False
# the same published figure is often exported twice (deck and PDF of one selection)
_cache: OrderedDict[str, bytes] = OrderedDict()


def browser_available() -> bool:
    if os.environ.get("BROWSER_PATH"):
        return os.path.isfile(os.environ["BROWSER_PATH"])
    return any(shutil.which(name) for name in BROWSER_NAMES)


def chart_png(
    figure: go.Figure,
    *,
    width: int = PNG_WIDTH,
    height: int = PNG_HEIGHT,
    scale: float = PNG_SCALE,
) -> bytes:
    """The figure as PNG bytes. Raises ChartExportError when no picture can be made."""
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    key = hashlib.sha256(f"{figure.to_json()}|{width}|{height}|{scale}".encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        png = _export(figure, opts)
        _cache[key] = png
        if len(_cache) > _CACHE_ENTRIES:
            _cache.popitem(last=False)
        return png


def _export(figure: go.Figure, opts: dict[str, object]) -> bytes:
    global _server_running, _stuck
    if _stuck:
        # fail fast: nine charts of a deck must not wait a minute each
        raise ChartExportError("chart export unavailable since an earlier export hung")
    if not browser_available():
        raise ChartExportError(
            "no Chromium found on PATH (Debian: apt-get install chromium); Kaleido needs it "
            "for chart images"
        )
    if not _server_running:
        # mathjax=False: its default is a CDN URL, and nothing here uses LaTeX
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _server_running = True
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["png"] = kaleido.calc_fig_sync(figure, opts=opts)
        except Exception as error:  # reported to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=run, name="chart-png", daemon=True)
    worker.start()
    worker.join(EXPORT_TIMEOUT_SECONDS)
    if worker.is_alive():
        # e.g. the browser died while starting: the server thread waits for ever, and stopping
        # it would wait too. Reports go on without pictures until the process restarts.
        _stuck = True
        raise ChartExportError(f"chart export timed out after {EXPORT_TIMEOUT_SECONDS} s")
    error = outcome.get("error")
    if isinstance(error, Exception):
        raise ChartExportError(f"chart export failed: {error}") from error
    _register_stop()
    png = outcome["png"]
    assert isinstance(png, bytes)
    return png


def _register_stop() -> None:
    """Stop the server before interpreter shutdown. Registered after the first export, so it
    runs before the clean-up of Kaleido's temporary directories (atexit is last in, first out);
    otherwise those warn about implicit clean-up."""
    global _stop_registered
    if not _stop_registered:
        atexit.register(stop_server)
        _stop_registered = True


def stop_server() -> None:
    global _server_running
    with _lock:
        # a hung server thread cannot be joined: leave it to die with the process
        if _server_running and not _stuck:
            kaleido.stop_sync_server(silence_warnings=True)
            _server_running = False


def print_figure(figure: go.Figure) -> go.Figure:
    """The app's figure with larger type for a slide or a printed page (the app's 13 px text
    would come out at about 7 pt on a slide), and the title off the picture's left edge."""
    printed = go.Figure(figure)
    printed.update_layout(
        font={"size": 19},
        title={"font": {"size": 22}, "x": 0.012},
        legend={"font": {"size": 18}},
        margin={"l": 20, "r": 20},
    )
    printed.update_annotations(font={"size": 16})
    return printed
