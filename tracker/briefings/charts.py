"""Charts for the briefings, drawn by matplotlib as SVG: vectors stay crisp in the PDF, and the
labels stay text (set in the document's Kurinto Sans SC), so they can be searched and copied."""

from __future__ import annotations

import io
import itertools
import re
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

COLOURS = {"red": "#c62828", "amber": "#f9a825", "green": "#2e7d32"}
BAR = "#1d3557"


def font_file(weight: str = "Rg") -> Path:
    import weblate_fonts

    return Path(weblate_fonts.__file__).parent / "static" / "weblate_fonts" / "kurinto" / "ttf" / f"KurintoSansSC-{weight}.ttf"


@lru_cache
def _setup() -> dict:
    for weight in ("Rg", "Bd"):
        font_manager.fontManager.addfont(str(font_file(weight)))
    family = font_manager.FontProperties(fname=str(font_file())).get_name()
    return {"font.family": family, "font.size": 9, "svg.fonttype": "none", "svg.hashsalt": "tracker", "axes.spines.top": False,
            "axes.spines.right": False}


_serial = itertools.count(1)


def _svg(fig: Figure) -> str:
    """The SVG element, its ids made unique so several charts can share one HTML document."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    prefix = f"c{next(_serial)}-"
    return re.sub(r'(id="|href="#|url\(#)', lambda m: m.group(1) + prefix, text[text.index("<svg"):])


def horizontal_bars(labels: list[str], values: list[float], value_labels: list[str], width_cm: float = 8.5) -> str:
    """A bar per label, largest scale first as given; used for the stage funnel and investment."""
    with matplotlib.rc_context(_setup()):
        fig = Figure(figsize=(width_cm / 2.54, 0.55 + 0.28 * len(labels)))
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=BAR, height=0.62)
        ax.set_yticks(positions, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        top = max(values, default=0) or 1
        ax.set_xlim(0, top * 1.3)
        for y, v, text in zip(positions, values, value_labels):
            ax.text(v + top * 0.02, y, text, va="center", fontsize=8)
        return _svg(fig)


def colour_trend(weeks: list[str], series: dict[str, list[int]], names: dict[str, str], width_cm: float = 17) -> str:
    """Stacked bars of red, amber and green projects at the end of each week, counts written in."""
    with matplotlib.rc_context(_setup()):
        fig = Figure(figsize=(width_cm / 2.54, 2.4))
        ax = fig.add_subplot()
        bottom = [0] * len(weeks)
        for colour in ("red", "amber", "green"):
            values = series[colour]
            bars = ax.bar(weeks, values, bottom=bottom, color=COLOURS[colour], label=names[colour], width=0.6)
            for bar, v, b in zip(bars, values, bottom):
                if v:
                    ax.text(bar.get_x() + bar.get_width() / 2, b + v / 2, str(v), ha="center", va="center", fontsize=7,
                            color="white" if colour != "amber" else "black")
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig)


def milestone_timeline(names: list[str], baseline: list, actual: list, planned: list, today, legend: dict[str, str],
                       width_cm: float = 17) -> str:
    """One row per milestone: the baseline date, and the actual date (done) or the planned one,
    joined by a line whose length is the slip; a dashed line marks today."""
    from matplotlib import dates as mdates

    with matplotlib.rc_context(_setup()):
        fig = Figure(figsize=(width_cm / 2.54, 0.7 + 0.3 * len(names)))
        ax = fig.add_subplot()
        rows = list(range(len(names)))[::-1]
        for y, b, a, p in zip(rows, baseline, actual, planned):
            end = a or p
            ax.plot([b, end], [y, y], color="#c62828" if end > b else "#9e9e9e", linewidth=1.5, zorder=1)
            ax.scatter([b], [y], s=28, facecolors="white", edgecolors="#616161", zorder=2)
            ax.scatter([end], [y], s=30, marker="o" if a else "D", color=COLOURS["green"] if a else BAR, zorder=3)
        ax.axvline(today, color="#f9a825", linestyle="--", linewidth=1)
        ax.set_yticks(rows, names)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        ax.scatter([], [], s=28, facecolors="white", edgecolors="#616161", label=legend["baseline"])
        ax.scatter([], [], s=30, color=COLOURS["green"], label=legend["actual"])
        ax.scatter([], [], s=30, marker="D", color=BAR, label=legend["planned"])
        ax.plot([], [], color="#f9a825", linestyle="--", label=legend["today"])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, frameon=False)
        return _svg(fig)
