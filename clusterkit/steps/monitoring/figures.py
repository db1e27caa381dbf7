"""Step 5's figures: the results chain, progress by dimension and battery, and the trends of
each indicator. Labels come already localised; each function returns a matplotlib Figure."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from .analysis import STAGES, STATUS_COLOURS, STATUSES

ACTION_COLOUR = "D6EAF8"


def _box_text(text: str, width: int = 30, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = textwrap.shorten(wrapped[-1] + " …", width, placeholder=" …")
    return "\n".join(wrapped)


CHAIN_ROW_LIMIT = 30  # boxes per column of the results chain figure


def chain_nodes_drawn(nodes: pd.DataFrame, limit: int = CHAIN_ROW_LIMIT) -> pd.DataFrame:
    """The results chain's nodes the figure draws: all of them, or, when a column would hold more
    than ``limit`` boxes, in each column the ``limit`` most behind schedule (off track, then at
    risk, then the others, each in the chain's order). An action and its activity indicators (one
    ``group``) go together, ranked by their most urgent indicator."""
    if nodes["stage"].value_counts().max() <= limit:
        return nodes
    urgency = nodes["progress_status"].map({"off_track": 0, "at_risk": 1}).fillna(2)
    groups = pd.DataFrame({"stage": nodes["stage"], "group": nodes["group"],
                           "size": nodes["group"].map(nodes["group"].value_counts()),
                           "urgency": urgency.where(nodes["kind"] == "indicator").groupby(nodes["group"])
                           .transform("min").fillna(2)}).drop_duplicates("group").sort_values("urgency", kind="stable")
    kept = groups[groups.groupby("stage")["size"].cumsum() <= limit]
    return nodes[nodes["group"].isin(kept["group"])]


def chain_approximations(nodes: pd.DataFrame) -> list[tuple[str, dict]]:
    """The catalogue message (key, values) saying that the results chain figure shows a subset, if it does."""
    indicators = int((nodes["kind"] == "indicator").sum())
    shown = int((chain_nodes_drawn(nodes)["kind"] == "indicator").sum())
    return [("monitoring.chain.subset", {"shown": shown, "indicators": indicators})] if shown < indicators else []


def results_chain_figure(nodes: pd.DataFrame, edges: pd.DataFrame, stage_titles: dict[str, str],
                         status_labels: dict[str, str], action_label: str, names: dict[str, str] | None = None):
    """The results chain as four columns of boxes, activities to development objective, with the
    arrows of the source between stages and a line from each action to the indicators it feeds.
    Indicator boxes are coloured by schedule status and named from ``names`` when given. Labels
    come already localised. A long chain draws a part of it (:func:`chain_nodes_drawn`)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Patch

    nodes = chain_nodes_drawn(nodes)
    rows = max(1, nodes["stage"].value_counts().max())
    fig, ax = plt.subplots(figsize=(10, 0.5 * rows + 2.0))
    width, height, where = 0.9, 0.42, {}
    for column, stage in enumerate(STAGES):
        stage_nodes = nodes[nodes["stage"] == stage]
        for row, node in enumerate(stage_nodes.itertuples()):
            x, y = column, rows - row - 0.5
            colour = ACTION_COLOUR if node.kind == "action" else STATUS_COLOURS.get(node.progress_status, "FFFFFF")
            indent = 0.06 if node.kind == "indicator" and stage == "activities" else 0
            ax.add_patch(FancyBboxPatch((x - width / 2 + indent, y - height / 2), width - indent, height,
                                        boxstyle="round,pad=0.01", facecolor=f"#{colour}", edgecolor="#555", lw=0.5))
            text = f"{node.node} {names[node.node]}" if names and node.node in names else node.label
            ax.text(x + indent / 2, y, _box_text(text), ha="center", va="center", fontsize=7)
            where[node.node] = (x, y)
        ax.text(column, rows + 0.55, stage_titles[stage], ha="center", va="center", fontsize=8.5, fontweight="bold")
        if column:
            ax.annotate("", xy=(column - 0.5 + 0.05, rows + 0.55), xytext=(column - 0.5 - 0.05, rows + 0.55),
                        arrowprops=dict(arrowstyle="simple", color="#1f4e79"))
    for edge in edges.itertuples():
        if edge.source in where and edge.target in where:
            (x0, y0), (x1, y1) = where[edge.source], where[edge.target]
            ax.annotate("", xy=(x1 - width / 2, y1), xytext=(x0 + width / 2, y0),
                        arrowprops=dict(arrowstyle="->", color="#777", lw=0.6, shrinkA=0, shrinkB=0))
    present = [s for s in STATUSES if s in set(nodes["progress_status"])]
    handles = [Patch(facecolor=f"#{ACTION_COLOUR}", edgecolor="#555", label=action_label)]
    handles += [Patch(facecolor=f"#{STATUS_COLOURS[s]}", edgecolor="#555", label=status_labels[s]) for s in present]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(handles), 4),
              frameon=False, fontsize=8)
    ax.set_xlim(-0.55, len(STAGES) - 0.45)
    ax.set_ylim(-0.1, rows + 1.0)
    ax.axis("off")
    fig.tight_layout()
    return fig


def progress_figure(by_dimension: pd.DataFrame, by_battery: pd.DataFrame, dimension_labels: dict[str, str],
                    battery_labels: dict[str, str], titles: dict[str, str], percent):
    """Median progress (bars) and median expected progress (black marks) by dimension and by
    battery, with the target at 100 %. ``titles`` holds the panel titles (``dimension``,
    ``battery``) and legend labels (``progress``, ``expected``); ``percent`` formats a share."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    rows = max(len(by_dimension), len(by_battery), 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * rows + 1.8))
    for ax, frame, key, labels in ((axes[0], by_dimension, "dimension", dimension_labels),
                                   (axes[1], by_battery, "battery", battery_labels)):
        names = [f"{labels[v]} ({n})" for v, n in zip(frame[key], frame["indicator_count"])]
        ax.barh(names, frame["median_progress"].fillna(0), color="#2e86c1", label=titles["progress"])
        known = frame["median_expected"].notna().to_numpy()  # a missing mark cannot sit on a named row
        ax.scatter(frame["median_expected"][known], [n for n, k in zip(names, known) if k], marker="|", s=300,
                   color="black", zorder=3, label=titles["expected"])
        ax.axvline(1, color="#c0392b", lw=1, ls="--")
        ax.invert_yaxis()
        ax.set_title(titles[key], fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: percent(x)))
        high = np.nanmax([1.1, *frame["median_progress"].fillna(0), *frame["median_expected"].fillna(0)]) + 0.05
        ax.set_xlim(min(0.0, float(frame["median_progress"].min()) if len(frame) else 0.0), high)
        ax.spines[["top", "right"]].set_visible(False)
    handles, legend_labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=2, frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


TREND_PANEL_LIMIT = 24  # small charts in the trend figure; a larger set shows those most behind


def trend_indicators(table: pd.DataFrame, limit: int = TREND_PANEL_LIMIT) -> pd.DataFrame:
    """The progress table's rows the trend figure draws: all of them, or, beyond ``limit``, the
    ``limit`` most behind schedule: off track first, then at risk, then the others, each in the
    table's order."""
    if len(table) <= limit:
        return table
    urgency = table["progress_status"].map({"off_track": 0, "at_risk": 1}).fillna(2)
    return table.loc[urgency.sort_values(kind="stable").index[:limit]]


def trend_approximations(table: pd.DataFrame) -> list[tuple[str, dict]]:
    """The catalogue message (key, values) saying that the trend figure shows a subset, if it does."""
    shown = len(trend_indicators(table))
    return [("monitoring.trends.subset", {"shown": shown, "indicators": len(table)})] if shown < len(table) else []


def trend_figure(table: pd.DataFrame, measurements: pd.DataFrame, names: dict[str, str],
                 labels: dict[str, str], columns: int = 4, tick_format=None, title_width: int | None = None):
    """One small chart per indicator: its whole measurements over time, the baseline, the target
    (dashed) and the straight path from baseline to target (dotted). ``labels`` holds the legend
    labels ``measured``, ``target`` and ``expected``. Beyond ``TREND_PANEL_LIMIT`` indicators,
    only those most behind schedule are drawn (:func:`trend_indicators`). ``tick_format(indicator_id,
    value)``, when given, writes the value axis as the tables do (19,1 % rather than 0.19); with
    ``title_width``, titles wrap at that many characters instead of being shortened."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    table = trend_indicators(table)
    count = max(1, len(table))
    grid_rows = -(-count // columns)
    height = 2.2 * grid_rows + 0.6
    fig, axes = plt.subplots(grid_rows, columns, figsize=(12, height), squeeze=False)
    # fixed margins: tight_layout measures every one of the small charts and is slow
    fig.subplots_adjust(left=0.05, right=0.99, top=1 - 0.35 / height, bottom=0.55 / height, hspace=0.55,
                        wspace=0.28)
    totals = measurements[measurements["group"].isna()].sort_values("date")
    by_indicator = dict(tuple(totals.groupby("indicator_id", sort=False)))
    for ax, row in zip(axes.flat, table.itertuples()):
        series = by_indicator.get(row.indicator_id, totals.iloc[:0])
        line = [(row.baseline_date, row.baseline)] if pd.notna(row.baseline) and pd.notna(row.baseline_date) else []
        ax.plot([d for d, _ in line] + list(series["date"]), [v for _, v in line] + list(series["value"]),
                marker="o", ms=2.5, lw=1.2, color="#1f4e79", label=labels["measured"])
        ax.axhline(row.target, color="#c0392b", lw=0.9, ls="--", label=labels["target"])
        if line:
            ax.plot([row.baseline_date, row.target_date], [row.baseline, row.target], color="#7f8c8d", lw=0.9,
                    ls=":", label=labels["expected"])
        title = f"{row.indicator_id} {names.get(row.indicator_id, row.name)}"
        ax.set_title(textwrap.fill(title, title_width) if title_width else textwrap.shorten(title, 44, placeholder=" …"),
                     fontsize=7.5, loc="left")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if tick_format is None:
            ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        else:
            ax.yaxis.set_major_formatter(lambda value, _, ident=row.indicator_id: tick_format(ident, value))
        ax.tick_params(labelsize=6.5)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    handles, legend_labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=3, frameon=False, fontsize=8)
    return fig
