"""Matplotlib figures shared by the steps, and the house style every figure of the kit is drawn in.

The house style is sized for the printed page: a figure :data:`PRINT_WIDTH` wide (the A4 text
width) is printed at its own size, so its text of at least :data:`SMALLEST_TEXT` points stays
readable; wider figures would shrink on paper. Each figure function of the steps is decorated with
:func:`house_figure`, which draws it inside :func:`house_style` (a context: nothing global changes
at import). The caller gives already-localised labels; :func:`png_bytes` writes the plain number
axes the way readers of the report's language expect (decimal comma and thin-space thousands in
French)."""

from __future__ import annotations

import functools
import io
import re
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from babel.numbers import format_decimal
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, ScalarFormatter

FIGURE_DPI = 150  # sharp enough to print on A4
PRINT_WIDTH = 16 / 2.54  # inches: the A4 text width a report figure is printed at (at most)
SMALLEST_TEXT = 8  # points, at printed size
# Okabe & Ito's colour-blind-safe palette, blue first
PALETTE = ("#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#000000")
HOUSE_STYLE = {
    "figure.figsize": (PRINT_WIDTH, PRINT_WIDTH * 0.62),
    "figure.dpi": 100,
    "savefig.dpi": FIGURE_DPI,
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=PALETTE),
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 8,
    "legend.frameon": False,
    "lines.linewidth": 1.4,
}


@contextmanager
def house_style():
    """Draw the figures made inside this context in the house style."""
    with mpl.rc_context(HOUSE_STYLE):
        yield


def _figures_in(result) -> list:
    if isinstance(result, Figure):
        return [result]
    if isinstance(result, (list, tuple)):
        return [fig for item in result for fig in _figures_in(item)]
    return []


def house_figure(function):
    """Decorate a function returning a figure (or a list of them, or a tuple holding them): it
    draws in the house style, and its tick labels keep the house size when they are drawn later,
    outside the style's context (matplotlib creates tick labels when the figure is saved)."""

    @functools.wraps(function)
    def drawn(*args, **kwargs):
        with house_style():
            result = function(*args, **kwargs)
        for fig in _figures_in(result):
            for ax in fig.axes:
                ax.tick_params(axis="x", labelsize=max(SMALLEST_TEXT, _size(ax.xaxis)))
                ax.tick_params(axis="y", labelsize=max(SMALLEST_TEXT, _size(ax.yaxis)))
        return result

    return drawn


def _size(axis) -> float:
    labels = axis.get_ticklabels()
    return labels[0].get_fontsize() if labels else HOUSE_STYLE["xtick.labelsize"]


def printed_scale(fig) -> float:
    """How much ``fig`` shrinks when printed: reports show a figure at most :data:`PRINT_WIDTH` wide."""
    return min(1.0, PRINT_WIDTH / fig.get_figwidth())


def wrapped(text: str, width_inches: float, fontsize: float = 8, lines: int | None = None) -> str:
    """``text`` wrapped to fit ``width_inches`` at ``fontsize`` points, a word longer than the width
    cut over lines; in full, or, when it needs more than ``lines`` lines, its first ``lines`` ending
    in "…"."""
    import textwrap

    characters = max(4, int(width_inches * 72 / (0.55 * fontsize)))  # 0.55 em: a wide average glyph
    rows = textwrap.wrap(str(text), characters) or [str(text)]
    if lines is not None and len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = textwrap.shorten(rows[-1] + " …", characters, placeholder=" …")
    return "\n".join(rows)


class NumberFormatter(ScalarFormatter):
    """Matplotlib's tick values, with the digits grouped and the decimal mark of ``lang``."""

    def __init__(self, lang: str):
        super().__init__(useOffset=False)
        self.set_powerlimits((-9, 12))  # plain numbers, never 1e6 beside the axis
        self.lang = lang

    def __call__(self, x, pos=None):
        return localised_digits(super().__call__(x, pos), self.lang)


class ShareFormatter(PercentFormatter):
    """Shares (0.45) as percentages (45 %), written for ``lang`` once :func:`localise_numbers` gives it."""

    def __init__(self, lang: str = "en"):
        super().__init__(xmax=1)
        self.lang = lang

    def set_locs(self, locs):
        super().set_locs(locs)
        whole = all(abs(v * 100 - round(v * 100)) < 1e-6 for v in locs)
        self.decimals = 0 if whole else 1  # 15 %, not 15,0 %

    def __call__(self, x, pos=None):
        text = localised_digits(super().__call__(x, pos), self.lang)
        return text.replace("%", "\xa0%") if self.lang == "fr" else text  # as the tables write it


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def localised_digits(text: str, lang: str) -> str:
    """Each plain number in ``text`` (as matplotlib writes it: 12000.5) written for ``lang``, with
    as many decimals (12 000,5 in French)."""

    def localised(match) -> str:
        decimals = len(match.group().partition(".")[2])
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(float(match.group()), format=pattern, locale=lang)

    return _NUMBER.sub(localised, text)


_DECIMAL = re.compile(r"[-−]?\d+\.\d+")


def localise_numbers(fig, lang: str) -> None:
    """Write the numbers of ``fig`` for readers of ``lang``: the plain number axes (axes given their
    own formatter, percentages, dates or the caller's, are left alone) and the decimal numbers the
    figure writes as text (the values in a heat map's cells); whole numbers in text, which may be
    years or codes, stay as they are."""
    from matplotlib.text import Text

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(NumberFormatter(lang))
            elif isinstance(axis.get_major_formatter(), ShareFormatter):
                axis.get_major_formatter().lang = lang
    for text in fig.findobj(Text):
        if _DECIMAL.fullmatch(text.get_text()):
            text.set_text(localised_digits(text.get_text(), lang))


@house_figure
def stacked_bars(
    table: pd.DataFrame,
    categories: list[str],
    series: dict[str, str],
    xlabel: str,
    ylabel: str,
    horizontal: bool = True,
):
    """One bar per row of ``table`` (labelled by ``categories``), stacked by the columns in
    ``series`` (column -> legend label); ``xlabel`` names the axis of the categories, ``ylabel``
    the axis of the values, whichever way the bars run."""
    fig, ax = plt.subplots(figsize=(PRINT_WIDTH, 0.32 * len(table) + 1.4))
    left = pd.Series(0.0, index=table.index)
    for (column, legend), colour in zip(series.items(), PALETTE):
        values = table[column].astype(float)
        if horizontal:
            ax.barh(categories, values, left=left, label=legend, color=colour)
        else:
            ax.bar(categories, values, bottom=left, label=legend, color=colour)
        left = left + values
    category_axis, value_axis = (ax.yaxis, ax.xaxis) if horizontal else (ax.xaxis, ax.yaxis)
    category_axis.set_label_text(xlabel)
    value_axis.set_label_text(ylabel)
    (ax.yaxis if horizontal else ax.xaxis).grid(False)  # the grid runs across the bars' values only
    if horizontal:
        ax.invert_yaxis()  # the first row on top, as in the table
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def png_bytes(fig, lang: str | None = None) -> bytes:
    """A matplotlib figure as PNG bytes at the house resolution (the figure stays open); with
    ``lang``, its plain number axes are written for readers of that language first."""
    if lang is not None:
        localise_numbers(fig, lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    return buffer.getvalue()
