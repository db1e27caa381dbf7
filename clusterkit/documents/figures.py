"""Matplotlib figures shared by the steps. Each function returns a Figure; the caller gives the
already-localised labels, so figures carry no language of their own. They are drawn in the
default style; only their resolution is the house's (:data:`FIGURE_DPI`, given to each save, so
that no global setting is changed)."""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pandas as pd

FIGURE_DPI = 150  # sharp enough to print on A4
PALETTE = ("#1f4e79", "#2e86c1", "#85c1e9", "#f0b27a", "#c0392b", "#7d3c98", "#117a65", "#b7950b")


def stacked_bars(table: pd.DataFrame, categories: list[str], series: dict[str, str],
                 xlabel: str, ylabel: str, horizontal: bool = True):
    """One bar per row of ``table`` (labelled by ``categories``), stacked by the columns in
    ``series`` (column -> legend label); ``xlabel`` names the axis of the categories, ``ylabel``
    the axis of the values, whichever way the bars run."""
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.6))
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
    if horizontal:
        ax.invert_yaxis()  # the first row on top, as in the table
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def png_bytes(fig) -> bytes:
    """A matplotlib figure as PNG bytes at the house resolution (the figure stays open)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    return buffer.getvalue()
