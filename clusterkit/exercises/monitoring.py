"""Step 5: setting realistic indicator targets."""

from __future__ import annotations

import html
import math
from functools import partial

import ipywidgets as widgets
import pandas as pd

from .. import i18n
from ..documents.tables import label
from ..i18n import t
from ..steps import monitoring
from ..workbook import example_path, read_workbook
from .layout import WIDE, DateField, control, exercise_box, image, paragraph, png, readout, row

# -- step 5: setting targets -----------------------------------------------------------------------
# Five indicators of the example, one per kind of lesson: a target already passed at mid-term
# (I03), a result that waits for its action (I09), one on course (I20), the income of the
# poorest, behind (I21), and a slow structural change (I22). All come from the catalogue, so they
# have names in both languages.
EXAMPLE_TARGETS = ("I03", "I09", "I20", "I21", "I22")
TARGET_COUNT = len(EXAMPLE_TARGETS)


def _decimals(step: float) -> int:
    """The decimals a value needs to show a multiple of ``step``."""
    return max(0, -math.floor(math.log10(step)))


def target_range(baseline: float, target: float, current: float) -> tuple[float, float, float]:
    """Bounds and step of a target slider: the span from the lowest to the highest of baseline,
    target and latest value, extended by that span on both sides (not below 0 for values that are
    all positive); the step is a power of ten near a twentieth of the span."""
    values = [float(v) for v in (baseline, target, current) if pd.notna(v)]
    low, high = min(values), max(values)
    span = high - low or abs(high) or 1.0
    step = 10.0 ** math.floor(math.log10(span / 20))
    decimals = _decimals(step)
    bottom = low - span if low < 0 else max(0.0, low - span)
    # rounded before floor and ceil: 0.15 - 0.1 is 0.0499999... in binary
    return (
        round(math.floor(round(bottom / step, 6)) * step, decimals),
        round(math.ceil(round((high + span) / step, 6)) * step, decimals),
        step,
    )


class MonitoringTargetsExercise:
    """A target slider and a target date (typed as the language writes it) per indicator.

    Each change calls :meth:`update`, which recomputes :attr:`progress`
    (:func:`monitoring.progress_table`: latest value, progress, expected progress and schedule
    status) with the chosen targets and dates, and redraws the trends
    (:func:`monitoring.trend_figures`). A cleared date, or one before the baseline, takes back
    the workbook's date.
    """

    def __init__(
        self,
        indicators: pd.DataFrame,
        measurements: pd.DataFrame,
        lang: str = "fr",
        workbook_lang: str = "fr",
        *,
        at_risk_below: float = monitoring.AT_RISK_BELOW,
        off_track_below: float = monitoring.OFF_TRACK_BELOW,
    ):
        self.lang = i18n.check_lang(lang)
        self.indicators = indicators.reset_index(drop=True)
        self.measurements = measurements[measurements["indicator_id"].isin(self.indicators["indicator_id"])]
        self.at_risk_below, self.off_track_below = at_risk_below, off_track_below
        self.names = monitoring.indicator_names(self.indicators, self.lang, workbook_lang)
        self.progress: pd.DataFrame | None = None
        latest = monitoring.current_values(self.measurements).set_index("indicator_id")["current_value"]
        self.targets, self.dates, self.formats, self.earliest, rows = {}, {}, {}, {}, []
        for indicator in self.indicators.itertuples(index=False):
            low, high, step = target_range(indicator.baseline, indicator.target, latest.get(indicator.indicator_id))
            share = monitoring.unit_kind(indicator.unit) == "share"  # shown as percentages, two decimals fewer
            decimals = max(0, _decimals(step) - 2) if share else _decimals(step)
            self.formats[indicator.indicator_id] = (share, decimals)
            self.targets[indicator.indicator_id] = widgets.FloatSlider(
                value=float(indicator.target),
                min=low,
                max=high,
                step=step,
                readout_format=f".{decimals}%" if share else f".{decimals}f",
                continuous_update=False,  # a redraw takes most of a second: on release only
                description=t("label.target", self.lang),
                style=WIDE,
                layout=control(),
            )
            first = indicator.baseline_date + pd.Timedelta(days=1) if pd.notna(indicator.baseline_date) else None
            self.earliest[indicator.indicator_id] = None if first is None else first.date()
            self.dates[indicator.indicator_id] = DateField(
                indicator.target_date.date(), self.lang, t("label.target_date", self.lang)
            )
            target = readout(self.targets[indicator.indicator_id], partial(self.written, indicator.indicator_id))
            rows.append(
                row(
                    f"<b>{html.escape(indicator.indicator_id)}</b> {html.escape(self.names[indicator.indicator_id])}",
                    target,
                    self.dates[indicator.indicator_id],
                )
            )
        self.summary_view, self.table_view = widgets.HTML(), widgets.HTML()
        self.chart = image()
        for slider in self.targets.values():
            slider.observe(self.update, names="value")
        for ident, field in self.dates.items():
            field.observe(lambda change, ident=ident: self._date_changed(ident, change), names="value")
        intro = t(
            "exercise.monitoring.intro",
            self.lang,
            at_risk=i18n.percent(at_risk_below, self.lang),
            off_track=i18n.percent(off_track_below, self.lang),
        )
        self.results = widgets.VBox([self.summary_view, self.table_view, self.chart])
        self.box = exercise_box(widgets.HTML(paragraph(html.escape(intro))), *rows, self.results)
        self.update()

    def _date_changed(self, ident: str, change) -> None:
        earliest = self.earliest[ident]
        if change["new"] is None or (earliest is not None and change["new"] < earliest):
            # a cleared date, or one before the baseline: the workbook's date, which updates in turn
            original = self.indicators.set_index("indicator_id").loc[ident, "target_date"]
            self.dates[ident].value = original.date()
            return
        self.update()

    def chosen(self) -> pd.DataFrame:
        """The indicators with the sliders' targets and the pickers' target dates."""
        ids = self.indicators["indicator_id"]
        return self.indicators.assign(
            target=[self.targets[i].value for i in ids],
            target_date=pd.to_datetime([self.dates[i].value for i in ids]).astype("datetime64[ns]"),
        )

    def update(self, change=None) -> None:
        self.progress = monitoring.progress_table(
            self.chosen(), self.measurements, None, self.at_risk_below, self.off_track_below
        )
        counts = self.progress["progress_status"].value_counts()
        listed = ", ".join(
            f"{t(f'enum.monitoring_status.{s}', self.lang)} {counts[s]}"
            for s in monitoring.STATUSES
            if s in counts.index
        )
        self.summary_view.value = paragraph(
            html.escape(
                t(
                    "exercise.monitoring.summary",
                    self.lang,
                    date=i18n.date(self.progress["measured_on"].max(), self.lang),
                    statuses=listed,
                )
            )
        )
        self.table_view.value = self._table_html()
        labels = monitoring.labels("monitoring.trends", ("measured", "target", "expected"), self.lang)
        self.chart.value = png(
            monitoring.trend_figures(self.progress, self.measurements, self.names, labels, tick_format=self.written)[0]
        )

    def written(self, ident: str, value) -> str:
        """An indicator's value as the exercise writes it: a percentage for a share, else a number."""
        share, decimals = self.formats[ident]
        return (i18n.percent if share else i18n.number)(None if pd.isna(value) else value, self.lang, decimals)

    def _table_html(self) -> str:
        """The progress table, each status cell in the colour of the monitoring reports."""
        columns = (
            "indicator_id",
            "baseline",
            "current_value",
            "target",
            "target_date",
            "progress",
            "expected_progress",
            "progress_status",
        )
        head = "".join(f"<th>{html.escape(label(c, self.lang))}</th>" for c in columns)
        body = []
        for entry in self.progress.itertuples(index=False):
            cells = [
                f"{entry.indicator_id} {self.names[entry.indicator_id]}",
                *(self.written(entry.indicator_id, v) for v in (entry.baseline, entry.current_value, entry.target)),
                i18n.date(entry.target_date, self.lang),
                *(
                    i18n.percent(None if pd.isna(v) else v, self.lang)
                    for v in (entry.progress, entry.expected_progress)
                ),
                t(f"enum.monitoring_status.{entry.progress_status}", self.lang),
            ]
            colour = monitoring.STATUS_COLOURS[entry.progress_status]
            body.append(
                "<tr>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in cells[:-1])
                + f'<td style="background:#{colour}">{html.escape(cells[-1])}</td></tr>'
            )
        return f'<table class="ck-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def monitoring_targets_widget(
    workbook=None, lang: str = "fr", indicator_ids=None, **options
) -> MonitoringTargetsExercise:
    """The target-setting exercise on a team workbook (by default the packaged example).

    ``indicator_ids`` chooses the indicators; by default the example's five
    (:data:`EXAMPLE_TARGETS`), or the first five of a team's workbook that have a baseline.
    ``options`` go to :class:`MonitoringTargetsExercise` (``at_risk_below``, ``off_track_below``).
    """
    lang = i18n.check_lang(lang)
    book = read_workbook(workbook or example_path(lang), lang=lang, step="monitoring")
    indicators = book["indicators"]
    if indicator_ids is None:
        with_baseline = indicators[indicators["baseline"].notna()]
        indicator_ids = EXAMPLE_TARGETS if workbook is None else tuple(with_baseline["indicator_id"].head(TARGET_COUNT))
    unknown = [i for i in indicator_ids if i not in set(indicators["indicator_id"])]
    if unknown:
        raise ValueError(t("exercise.monitoring.unknown", lang, indicators=", ".join(unknown)))
    chosen = indicators.set_index("indicator_id").loc[list(indicator_ids)].reset_index()
    return MonitoringTargetsExercise(chosen, book["measurements"], lang, book.lang, **options)
