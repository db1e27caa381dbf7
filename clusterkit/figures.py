"""Matplotlib figures shared by the steps. Each function returns a Figure; the caller gives the
already-localised labels, so figures carry no language of their own."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

PALETTE = ("#1f4e79", "#2e86c1", "#85c1e9", "#f0b27a", "#c0392b", "#7d3c98", "#117a65", "#b7950b")


def stacked_bars(table: pd.DataFrame, categories: list[str], series: dict[str, str],
                 xlabel: str, ylabel: str, horizontal: bool = True):
    """One bar per row of ``table`` (labelled by ``categories``), stacked by the columns in
    ``series`` (column -> legend label)."""
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.6))
    left = pd.Series(0.0, index=table.index)
    for (column, legend), colour in zip(series.items(), PALETTE):
        values = table[column].astype(float)
        if horizontal:
            ax.barh(categories, values, left=left, label=legend, color=colour)
        else:
            ax.bar(categories, values, bottom=left, label=legend, color=colour)
        left = left + values
    ax.set_xlabel(xlabel if horizontal else "")
    ax.set_ylabel("" if horizontal else ylabel)
    if horizontal:
        ax.invert_yaxis()
        ax.set_xlabel(ylabel)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
