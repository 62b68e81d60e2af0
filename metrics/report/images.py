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
import html
import math
import os
import shutil
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Sequence

import kaleido
import plotly.graph_objects as go

from metrics.safe_text import plotly_text

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
    """The figure as PNG bytes. Raises ChartExportError when no picture can be made. The
    picture has `width` × `height` (a captioned `print_figure` says its height in its layout)."""
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


# the caption of a downloaded picture (CSS pixels): subtitle under the title, footnotes below
TITLE_SIZE, SUBTITLE_SIZE, FOOTNOTE_SIZE, LEGEND_SIZE, TICK_SIZE = 22, 16, 13, 18, 19
_LINE = 1.35  # line height per font size
_CHAR = 0.62  # width of a character per font size (DejaVu Sans, on average and a bit more)
_EDGE = 12  # the title's and the footnotes' distance from the picture's left edge
_GAP = 12
_AXIS_LABELS = 42  # the x axis' tick labels below the plot
# characters of a footnote line across the picture (DejaVu Sans' small text is narrower)
FOOTNOTE_CHARS = int((PNG_WIDTH - 2 * _EDGE - 20) / (0.56 * FOOTNOTE_SIZE))


def print_figure(
    figure: go.Figure, *, subtitle: str | None = None, footnotes: Sequence[str] = ()
) -> go.Figure:
    """The app's figure with larger type for a slide or a printed page (the app's 13 px text
    would come out at about 7 pt on a slide), and the title off the picture's left edge.

    A downloaded picture has no page around it: `subtitle` (view and reporting date) goes under
    its title and `footnotes` (signs, source) below the chart and its legend, and the picture
    grows by their height (`layout.height`: what `chart_png` is to draw). The chart on the page
    has neither: the page says both around it."""
    printed = go.Figure(figure)
    printed.update_layout(
        font={"size": TICK_SIZE},
        title={"font": {"size": TITLE_SIZE}, "x": _EDGE / PNG_WIDTH},
        legend={"font": {"size": LEGEND_SIZE}},
        margin={"l": 20, "r": 20},
    )
    printed.update_annotations(font={"size": 16})
    if subtitle is None and not footnotes:
        return printed
    lines = [
        plotly_text(line)
        for note in footnotes
        for line in textwrap.wrap(note, FOOTNOTE_CHARS, break_on_hyphens=False)
    ]
    footnote_height = math.ceil(len(lines) * FOOTNOTE_SIZE * _LINE) + (_GAP if lines else 0)
    subtitle_height = math.ceil(SUBTITLE_SIZE * _LINE) if subtitle else 0
    height = PNG_HEIGHT + footnote_height + subtitle_height
    title_lines = (printed.layout.title.text or "").count("<br>") + 1
    title_height = math.ceil(title_lines * TITLE_SIZE * _LINE)
    # the title, the subtitle hanging below it, room for the top tick label (half above the
    # plot)
    top = _GAP + title_height + subtitle_height + 3 * _GAP
    legend_height = _legend_rows(printed) * math.ceil(LEGEND_SIZE * _LINE + 8)
    bottom = _AXIS_LABELS + legend_height + footnote_height + _GAP
    left, right = _left_margin(printed), 20
    plot_height, plot_width = height - top - bottom, PNG_WIDTH - left - right
    printed.update_layout(
        height=height,
        width=PNG_WIDTH,
        margin={"t": top, "b": bottom, "l": left, "r": right},
        # the title's middle placed ("yanchor": "top" put the first line of a wrapped title
        # above the picture, "auto" the subtitle on the plot)
        title={
            "yref": "container",
            "y": 1 - (_GAP + title_height / 2) / height,
            "yanchor": "middle",
            "subtitle": {
                "text": plotly_text(subtitle or ""),
                "font": {"size": SUBTITLE_SIZE, "color": "#555555"},
            },
        },
        # right under the axis' labels (paper units are the plot's height)
        legend={"y": -_AXIS_LABELS / plot_height, "yanchor": "top"},
    )
    if lines:
        printed.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            yref="paper",
            # at the picture's foot below the legend, from its left edge as the title
            x=-(left - _EDGE) / plot_width,
            xanchor="left",
            y=-(bottom - _GAP / 2) / plot_height,
            yanchor="bottom",
            align="left",
            showarrow=False,
            font={"size": FOOTNOTE_SIZE, "color": "#444444"},
        )
    return printed


def _left_margin(figure: go.Figure) -> int:
    """Room for the y axis' labels: the categories of lying bars, else numbers ("100 %"), as
    Plotly's automargin would make it (known here, so that the footnotes start where the title
    does)."""
    labels = [
        html.unescape(str(label))
        for trace in figure.data
        if getattr(trace, "orientation", None) == "h" and trace.y is not None
        for label in trace.y
    ]
    longest = max((len(label) for label in labels), default=len("100 %"))
    return 20 + math.ceil(longest * _CHAR * TICK_SIZE)


def _legend_rows(figure: go.Figure) -> int:
    """How many rows the horizontal legend takes across the picture (an estimate: entries of
    a symbol and their name at LEGEND_SIZE, packed left to right)."""
    names = [trace.name or "" for trace in figure.data if trace.showlegend]
    if not names or figure.layout.showlegend is False:
        return 0
    width = PNG_WIDTH - 40
    rows, used = 1, 0.0
    for name in names:
        entry = 50 + 0.62 * LEGEND_SIZE * len(name)
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows
