"""Step 5's figures: the results chain, progress by dimension and battery, and the trends of
each indicator. Labels come already localised; each function returns matplotlib Figures drawn in
the house style (:mod:`clusterkit.documents.figures`), sized for the printed A4 page."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...documents.figures import PALETTE, PRINT_WIDTH, ShareFormatter, house_figure, wrapped
from .analysis import STAGES, STATUS_COLOURS, STATUSES
from .catalogue import unit_kind

ACTION_COLOUR = "D6EAF8"
CHAIN_PAGE_HEIGHT = 8.6  # inches of boxes in one results chain figure: the A4 text height, less the captions
# the first figure goes with the section's heading and lead-in paragraph (about 1.4 in): short, it starts in
# the space the sections before leave on their last page (about half a page) instead of leaving it blank
CHAIN_FIRST_PAGE_HEIGHT = 3.3
_TEXT = 8  # points: the boxes' text, printed at its own size
_LINE = _TEXT * 1.2 / 72  # inches per line of box text (drawn with a line spacing of 1.15)
_MARGIN, _GUTTER = 0.04, 0.26  # inches: page margin; lane left of each column for the links
_COLUMN = (PRINT_WIDTH - 2 * _MARGIN - len(STAGES) * _GUTTER) / len(STAGES)
_GAP, _LANE, _HEADER, _FOOTER = 0.06, 0.16, 0.55, 0.5  # inches: between boxes, above a band, titles, legend
_SMALLEST_PIECE = 2.0  # inches: the least of a band worth starting at the foot of a figure


def _column_x(column: int) -> float:
    return _MARGIN + column * (_COLUMN + _GUTTER) + _GUTTER


@dataclass
class _Box:
    node: str
    text: str
    colour: str
    indent: float = 0.0

    @property
    def height(self) -> float:
        return (self.text.count("\n") + 1) * _LINE + 0.08


@dataclass
class _Band:
    """One action and what it feeds, stage by stage (or, without an action, the indicators no action feeds)."""

    action: str | None
    columns: list[list[_Box]] = field(default_factory=lambda: [[] for _ in STAGES])

    @property
    def height(self) -> float:
        return _LANE + max(sum(b.height + _GAP for b in column) for column in self.columns)

    def split(self, room: float) -> tuple[_Band, _Band | None]:
        """The band's boxes that fit in ``room`` inches, and the rest (its action drawn again on top)."""
        if self.height <= room:
            return self, None
        head, rest = _Band(self.action), _Band(self.action)
        for column, (kept, left) in enumerate(zip(head.columns, rest.columns)):
            used = _LANE
            for index, box in enumerate(self.columns[column]):
                if used + box.height + _GAP > room and index > 0:
                    left.extend(self.columns[column][index:])
                    break
                kept.append(box)
                used += box.height + _GAP
        if not any(rest.columns):
            return self, None
        if self.action is not None:
            rest.columns[0].insert(0, self.columns[0][0])
        return head, rest


def _chain_bands(nodes: pd.DataFrame, edges: pd.DataFrame, names: dict[str, str] | None) -> list[_Band]:
    """One band per action (its own activity indicators below it, then the indicators it feeds in
    their stages), then one band of the indicators no action feeds."""

    def box(node, indent: float = 0.0) -> _Box:
        text = f"{node.node} {names[node.node]}" if names and node.node in names else node.label
        colour = ACTION_COLOUR if node.kind == "action" else STATUS_COLOURS.get(node.progress_status, "FFFFFF")
        return _Box(node.node, wrapped(text, _COLUMN - indent - 0.1, _TEXT), colour, indent)

    known = set(nodes["node"])
    edges = edges[edges["source"].isin(known) & edges["target"].isin(known)]
    stage_of = dict(zip(nodes["node"], nodes["stage"]))
    by_node = {node.node: node for node in nodes.itertuples()}
    bands, placed = [], set()
    for action in nodes[nodes["kind"] == "action"].itertuples():
        band = _Band(action.node)
        members = nodes[(nodes["group"] == action.node) & (nodes["kind"] == "indicator")]
        band.columns[0] = [box(action)] + [box(m, 0.12) for m in members.itertuples()]
        for target in edges.loc[edges["source"] == action.node, "target"]:
            band.columns[STAGES.index(stage_of[target])].append(box(by_node[target]))
            placed.add(target)
        placed.update(members["node"])
        bands.append(band)
    rest = nodes[(nodes["kind"] == "indicator") & ~nodes["node"].isin(placed)]
    if len(rest):
        unlinked = _Band(None)
        for node in rest.itertuples():
            unlinked.columns[STAGES.index(node.stage)].append(box(node))
        bands.append(unlinked)
    return bands


def _chain_pages(bands: list[_Band]) -> list[list[_Band]]:
    """The bands in figures of at most :data:`CHAIN_FIRST_PAGE_HEIGHT` inches of boxes for the first,
    :data:`CHAIN_PAGE_HEIGHT` for the others. A band that does not fit goes on over the next figure,
    unless less than :data:`_SMALLEST_PIECE` is left on this one: pages are filled, not left half empty."""
    pages, page, used = [], [], 0.0
    queue = list(bands)
    while queue:
        band = queue.pop(0)
        room = CHAIN_PAGE_HEIGHT if pages else CHAIN_FIRST_PAGE_HEIGHT
        if page and used + band.height > room and room - used < _SMALLEST_PIECE:
            pages.append(page)
            page, used, room = [], 0.0, CHAIN_PAGE_HEIGHT
        head, rest = band.split(room - used)
        page.append(head)
        used += head.height
        if rest is not None:
            queue.insert(0, rest)
            pages.append(page)
            page, used = [], 0.0
    return pages + ([page] if page else [])


@house_figure
def results_chain_figures(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    stage_titles: dict[str, str],
    status_labels: dict[str, str],
    action_label: str,
    unlinked_label: str,
    names: dict[str, str] | None = None,
) -> tuple[list, pd.DataFrame]:
    """The results chain (:func:`results_chain`) as bands under four stage titles, activities to
    development objective: each band starts with one plan action (its activity indicators below
    it) and an arrow leads from it to each indicator it feeds, in that indicator's stage; the
    indicators no action feeds come last, under ``unlinked_label``. An indicator fed by several
    actions appears in each of their bands. Indicator boxes are coloured by schedule status and
    named from ``names`` when given, in full. Bands fill figures that each fit a printed page (the
    first under the section's heading: :func:`_chain_pages`), a long band going on over the next figure.

    Returns the figures and the links drawn (``source``, ``target``; once each)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Patch

    figures, drawn = [], []
    for page in _chain_pages(_chain_bands(nodes, edges, names)):
        height = _HEADER + sum(band.height for band in page) + _FOOTER
        fig = plt.figure(figsize=(PRINT_WIDTH, height))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, PRINT_WIDTH)
        ax.set_ylim(height, 0)  # inches from the top
        ax.axis("off")
        for column, stage in enumerate(STAGES):
            title = "\n".join(wrapped(line, _COLUMN + _GUTTER, _TEXT * 1.2) for line in stage_titles[stage].split("\n"))
            ax.text(
                _column_x(column) + _COLUMN / 2,
                _HEADER / 2,
                title,
                ha="center",
                va="center",
                fontsize=_TEXT,
                fontweight="bold",
                linespacing=1.1,
            )
            if column:
                ax.annotate(
                    "",
                    xy=(_column_x(column) - 0.02, _HEADER / 2),
                    xytext=(_column_x(column) - _GUTTER + 0.02, _HEADER / 2),
                    arrowprops=dict(arrowstyle="simple", color=PALETTE[0]),
                )
        top = _HEADER
        for number, band in enumerate(page):
            ax.add_patch(
                plt.Rectangle(
                    (_MARGIN, top),
                    PRINT_WIDTH - 2 * _MARGIN,
                    band.height,
                    facecolor="#f4f6f7" if number % 2 == 0 else "white",
                    edgecolor="none",
                )
            )
            if band.action is None:
                ax.text(
                    _column_x(0),
                    top + _LANE / 2,
                    unlinked_label,
                    ha="left",
                    va="center",
                    fontsize=_TEXT,
                    style="italic",
                    color="#444444",
                )
            centres = []
            for column, boxes in enumerate(band.columns):
                y = top + _LANE
                for box in boxes:
                    x = _column_x(column) + box.indent
                    ax.add_patch(
                        FancyBboxPatch(
                            (x, y),
                            _COLUMN - box.indent,
                            box.height,
                            boxstyle="round,pad=0,rounding_size=0.03",
                            facecolor=f"#{box.colour}",
                            edgecolor="#555555",
                            lw=0.5,
                        )
                    )
                    ax.text(
                        x + 0.05, y + box.height / 2, box.text, ha="left", va="center", fontsize=_TEXT, linespacing=1.15
                    )
                    if column and band.action is not None:
                        centres.append((column, y + box.height / 2, box.node))
                    y += box.height + _GAP
            if centres:
                _draw_links(ax, top, band, centres)
                drawn += [(band.action, node) for _, _, node in centres]
            top += band.height
        present = [
            s
            for s in STATUSES
            if any(
                b.colour == STATUS_COLOURS[s]
                for band in page
                for col in band.columns
                for b in col
                if b.node != band.action
            )
        ]
        handles = [Patch(facecolor=f"#{ACTION_COLOUR}", edgecolor="#555555", label=action_label)]
        handles += [
            Patch(facecolor=f"#{STATUS_COLOURS[s]}", edgecolor="#555555", label=status_labels[s]) for s in present
        ]
        fig.legend(
            handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=_TEXT, bbox_to_anchor=(0.5, 0.0)
        )
        figures.append(fig)
    links = pd.DataFrame(drawn, columns=["source", "target"]).drop_duplicates(ignore_index=True)
    return figures, links


def _draw_links(ax, top: float, band: _Band, centres: list[tuple[int, float, str]]) -> None:
    """From the action's box, a rail along the band's lane, and from it down the lane left of each
    stage an arrow into each box the action feeds: no line crosses a box."""
    rail = top + _LANE / 2
    start_x = _column_x(0) + _COLUMN
    style = dict(color="#333333", lw=0.8)
    ax.plot([start_x - 0.15, start_x - 0.15], [top + _LANE, rail], **style)  # out of the action's box, up
    last = max(column for column, _, _ in centres)
    ax.plot([start_x - 0.15, _column_x(last) - _GUTTER / 2], [rail, rail], **style)
    for column in {c for c, _, _ in centres}:
        lane = _column_x(column) - _GUTTER / 2
        lowest = max(y for c, y, _ in centres if c == column)
        ax.plot([lane, lane], [rail, lowest], **style)
    for column, y, _ in centres:
        ax.annotate(
            "",
            xy=(_column_x(column), y),
            xytext=(_column_x(column) - _GUTTER / 2, y),
            arrowprops=dict(arrowstyle="-|>", color="#333333", lw=0.8, shrinkA=0, shrinkB=0, mutation_scale=8),
        )


@house_figure
def progress_figure(
    by_dimension: pd.DataFrame,
    by_battery: pd.DataFrame,
    dimension_labels: dict[str, str],
    battery_labels: dict[str, str],
    titles: dict[str, str],
    percent,
):
    """Median progress (bars) and median expected progress (black marks) by dimension and by
    battery, with the target at 100 %, one panel above the other. ``titles`` holds the panel titles
    (``dimension``, ``battery``) and legend labels (``progress``, ``expected``); ``percent``
    formats a share."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    rows = [max(len(by_dimension), 1), max(len(by_battery), 1)]
    fig, axes = plt.subplots(
        2, 1, figsize=(PRINT_WIDTH, 0.22 * sum(rows) + 1.65), height_ratios=rows, layout="constrained"
    )
    for ax, frame, key, labels in (
        (axes[0], by_dimension, "dimension", dimension_labels),
        (axes[1], by_battery, "battery", battery_labels),
    ):
        names = [wrapped(f"{labels[v]} ({n})", 2.4) for v, n in zip(frame[key], frame["indicator_count"])]
        ax.barh(names, frame["median_progress"].fillna(0), color=PALETTE[0], height=0.6, label=titles["progress"])
        known = frame["median_expected"].notna().to_numpy()  # a missing mark cannot sit on a named row
        ax.scatter(
            frame["median_expected"][known],
            [n for n, k in zip(names, known) if k],
            marker="|",
            s=160,
            linewidths=2,
            color="black",
            zorder=3,
            label=titles["expected"],
        )
        ax.axvline(1, color=PALETTE[4], lw=1, ls="--")
        ax.invert_yaxis()
        ax.yaxis.grid(False)
        ax.set_title(titles[key])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: percent(x)))
        high = np.nanmax([1.1, *frame["median_progress"].fillna(0), *frame["median_expected"].fillna(0)]) + 0.05
        ax.set_xlim(min(0.0, float(frame["median_progress"].min()) if len(frame) else 0.0), high)
    handles, legend_labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="outside lower center", ncol=2)
    return fig


TREND_PANEL_LIMIT = 24  # small charts in the trend figures; a larger set shows those most behind
TREND_PANELS = 6  # small charts per figure, two rows of three (each a third of the text width): a figure fits under a page's other content


def trend_indicators(table: pd.DataFrame, limit: int = TREND_PANEL_LIMIT) -> pd.DataFrame:
    """The progress table's rows the trend figures draw: all of them, or, beyond ``limit``, the
    ``limit`` most behind schedule: off track first, then at risk, then the others, each in the
    table's order."""
    if len(table) <= limit:
        return table
    urgency = table["progress_status"].map({"off_track": 0, "at_risk": 1}).fillna(2)
    return table.loc[urgency.sort_values(kind="stable").index[:limit]]


def trend_approximations(table: pd.DataFrame) -> list[tuple[str, dict]]:
    """The catalogue message (key, values) saying that the trend figures show a subset, if they do."""
    shown = len(trend_indicators(table))
    return [("monitoring.trends.subset", {"shown": shown, "indicators": len(table)})] if shown < len(table) else []


@house_figure
def trend_figures(
    table: pd.DataFrame, measurements: pd.DataFrame, names: dict[str, str], labels: dict[str, str], tick_format=None
) -> list:
    """One small chart per indicator, :data:`TREND_PANELS` to a figure: its whole measurements
    over time, the baseline, the target (dashed) and the straight path from baseline to target
    (dotted), under the indicator's full name and its unit. ``labels`` holds the legend labels ``measured``,
    ``target`` and ``expected``. Beyond ``TREND_PANEL_LIMIT`` indicators, only those most behind
    schedule are drawn (:func:`trend_indicators`). ``tick_format(indicator_id, value)``, when
    given, writes the value axis as the tables do (19,1 % rather than 0.19); without it, the axis
    of a share is in percent."""
    table = trend_indicators(table)
    totals = measurements[measurements["group"].isna()].sort_values("date")
    by_indicator = dict(tuple(totals.groupby("indicator_id", sort=False)))
    return [
        _trend_page(table.iloc[start : start + TREND_PANELS], by_indicator, totals.iloc[:0], names, labels, tick_format)
        for start in range(0, max(1, len(table)), TREND_PANELS)
    ]


def _trend_page(table, by_indicator, nothing, names, labels, tick_format):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    count = max(1, len(table))
    columns = min(3, count)
    grid_rows = -(-count // columns)
    panel_width = PRINT_WIDTH / columns
    titles = [
        wrapped(f"{row.indicator_id} {names.get(row.indicator_id, row.name)}{_unit(row)}", panel_width - 0.3)
        for row in table.itertuples()
    ]
    title_lines = max([t.count("\n") + 1 for t in titles] or [1])
    chart, gap = 1.0, 0.3 + 0.16 * title_lines  # inches: a chart's height; below it, ticks, then the next title
    height = grid_rows * (chart + gap) + 0.45
    fig, axes = plt.subplots(grid_rows, columns, figsize=(PRINT_WIDTH, height), squeeze=False)
    # fixed margins: tight_layout measures every one of the small charts and is slow
    fig.subplots_adjust(
        left=0.08, right=0.99, top=1 - (gap - 0.2) / height, bottom=0.65 / height, hspace=gap / chart, wspace=0.4
    )
    for ax, row, title in zip(axes.flat, table.itertuples(), titles):
        series = by_indicator.get(row.indicator_id, nothing)
        line = [(row.baseline_date, row.baseline)] if pd.notna(row.baseline) and pd.notna(row.baseline_date) else []
        ax.plot(
            [d for d, _ in line] + list(series["date"]),
            [v for _, v in line] + list(series["value"]),
            marker="o",
            ms=2.5,
            lw=1.2,
            color=PALETTE[0],
            label=labels["measured"],
        )
        ax.axhline(row.target, color=PALETTE[4], lw=0.9, ls="--", label=labels["target"])
        if line:
            ax.plot(
                [row.baseline_date, row.target_date],
                [row.baseline, row.target],
                color="#777777",
                lw=0.9,
                ls=":",
                label=labels["expected"],
            )
        ax.set_title(title, fontsize=8, fontweight="normal", loc="left")
        ax.xaxis.set_major_locator(mdates.YearLocator(base=max(1, _years(ax) // 3)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if tick_format is not None:
            ax.yaxis.set_major_formatter(lambda value, _, ident=row.indicator_id: tick_format(ident, value))
        elif unit_kind(getattr(row, "unit", None)) == "share":
            ax.yaxis.set_major_formatter(ShareFormatter())
        ax.yaxis.set_major_locator(plt.MaxNLocator(4))
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    handles, legend_labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=3)
    return fig


def _unit(row) -> str:
    """The unit of the values a chart shows, after its title: the axis of a small chart has no room."""
    unit = getattr(row, "unit", None)
    return f" ({unit})" if isinstance(unit, str) and unit.strip() else ""


def _years(ax) -> int:
    """How many years the x axis of ``ax`` spans, so that a panel a third of the page wide shows about three."""
    import matplotlib.dates as mdates

    low, high = (mdates.num2date(x).year for x in ax.get_xlim())
    return high - low + 1
