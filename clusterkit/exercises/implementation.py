"""Step 4: launching a co-financed joint action with a degressive subsidy."""

from __future__ import annotations

import datetime as dt
import html
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import i18n
from ..documents.figures import PALETTE, PRINT_WIDTH, house_figure
from ..documents.tables import label
from ..i18n import t
from ..schema import ENUMS
from ..steps import implementation
from ..workbook import example_path, read_workbook
from .layout import (
    WIDE,
    DateField,
    control,
    example_text,
    exercise_box,
    image,
    paragraph,
    png,
    readout,
    row,
    table_html,
)

# -- step 4: launching a joint action --------------------------------------------------------------
# The employers' group for maintenance technicians (ACT19): a shared employee whose post the fund
# supports degressively, the usual way to let the firms take over its cost. Planned in the example,
# its start date passes at the first follow-up of 2027.
EXAMPLE_JOINT_ACTION = "ACT19"
FIRST_SHARE, YEARLY_FALL = 0.6, 0.2
EXAMPLE_FOLLOW_UP = dt.date(2027, 3, 31)


def degressive_schedule(budget: float, start, end, first_share: float, fall: float) -> pd.DataFrame:
    """An action's budget by action year (twelve months from its start; the last one shorter),
    spread in proportion to the days, with the fund's share falling by ``fall`` each year from
    ``first_share`` (never below 0) and the local contribution the rest.

    Columns ``year`` (1, 2, ...), ``start``, ``end``, ``budget``, ``fund_share``, ``fund``,
    ``local``, ``local_share``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    bounds = []
    begin = start
    while begin <= end:
        stop = min(begin + pd.DateOffset(years=1) - pd.Timedelta(days=1), end)
        bounds.append((begin, stop))
        begin = stop + pd.Timedelta(days=1)
    days = np.array([(b - a).days + 1 for a, b in bounds], dtype=float)
    shares = np.clip(first_share - fall * np.arange(len(bounds)), 0.0, 1.0)
    yearly = budget * days / days.sum()
    return pd.DataFrame(
        {
            "year": range(1, len(bounds) + 1),
            "start": [a for a, _ in bounds],
            "end": [b for _, b in bounds],
            "budget": yearly,
            "fund_share": shares,
            "fund": yearly * shares,
            "local": yearly * (1 - shares),
            "local_share": 1 - shares,
        }
    )


class JointActionExercise:
    """One action of the plan to launch: its budget and dates, a degressive support (a share for
    the first year and its fall each year), its recorded status and a follow-up date.

    Each change calls :meth:`update`, which recomputes :attr:`schedule`
    (:func:`degressive_schedule`) and :attr:`situation` (:func:`implementation.follow_up` on the
    action as scheduled), and redraws the yearly budget split between the fund and the firms.
    """

    def __init__(
        self,
        action: pd.Series,
        lang: str = "fr",
        workbook_lang: str = "fr",
        *,
        first_share: float = FIRST_SHARE,
        fall: float = YEARLY_FALL,
        follow_up=EXAMPLE_FOLLOW_UP,
    ):
        self.lang = i18n.check_lang(lang)
        self.action = action.copy()
        self.action["title"] = example_text("action", action["action_id"], action["title"], self.lang, workbook_lang)
        self.schedule: pd.DataFrame | None = None
        self.situation: pd.Series | None = None
        top = max(1000.0, math.ceil(2 * float(action["budget"]) / 1000) * 1000)
        self.budget = widgets.FloatSlider(
            value=float(action["budget"]),
            min=0.0,
            max=top,
            step=100.0,
            readout_format=",.0f",
            continuous_update=False,
            description=t("exercise.joint.budget", self.lang),
            style=WIDE,
            layout=control(),
        )
        self.first_share = widgets.FloatSlider(
            value=first_share,
            min=0.0,
            max=1.0,
            step=0.05,
            readout_format=".0%",
            continuous_update=False,
            style=WIDE,
            layout=control(),
            description=t("exercise.joint.first_share", self.lang),
        )
        self.fall = widgets.FloatSlider(
            value=fall,
            min=0.0,
            max=0.5,
            step=0.05,
            readout_format=".0%",
            continuous_update=False,
            style=WIDE,
            layout=control(),
            description=t("exercise.joint.step", self.lang),
        )
        self.start = DateField(action["start"].date(), self.lang, label("start", self.lang))
        self.end = DateField(action["end"].date(), self.lang, label("end", self.lang))
        self.status = widgets.Dropdown(
            options=[(t(f"enum.status.{s}", self.lang), s) for s in ENUMS["status"]],
            value=action["status"],
            description=label("status", self.lang),
            style=WIDE,
            layout=control("14em", "22em"),
        )
        self.follow_up = DateField(pd.Timestamp(follow_up).date(), self.lang, t("exercise.joint.follow_up", self.lang))
        self.summary_view, self.table_view, self.situation_view = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.chart = image()
        for widget in (self.budget, self.first_share, self.fall, self.start, self.end, self.status, self.follow_up):
            widget.observe(self.update, names="value")
        title = f"<b>{html.escape(action['action_id'])}</b> {html.escape(self.action['title'])}"
        self.results = widgets.VBox([self.situation_view, self.summary_view, self.table_view, self.chart])
        self.box = exercise_box(
            widgets.HTML(paragraph(html.escape(t("exercise.joint.intro", self.lang)))),
            widgets.HTML(paragraph(title)),
            row(html.escape(label("budget", self.lang)), readout(self.budget, self._euros)),
            row(
                html.escape(t("exercise.joint.support", self.lang)),
                readout(self.first_share, self._percent),
                readout(self.fall, self._percent),
            ),
            row(html.escape(t("exercise.joint.dates", self.lang)), self.start, self.end),
            row(html.escape(t("exercise.joint.tracking", self.lang)), self.status, self.follow_up),
            self.results,
        )
        self.update()

    def _euros(self, value) -> str:
        return t("exercise.joint.euros", self.lang, amount=i18n.number(value, self.lang, 0))

    def _percent(self, value) -> str:
        return i18n.percent(value, self.lang)

    def scheduled(self) -> pd.DataFrame:
        """The action as the widgets schedule it, one row in the shape of the ``actions`` sheet."""
        return (
            pd.DataFrame([self.action])
            .assign(
                budget=self.budget.value,
                status=self.status.value,
                start=pd.Timestamp(self.start.value),
                end=pd.Timestamp(self.end.value),
            )
            .reset_index(drop=True)
        )

    def update(self, change=None) -> None:
        if self.start.value is None or self.end.value is None or self.end.value < self.start.value:
            self.summary_view.value = paragraph(html.escape(t("exercise.joint.dates_order", self.lang)))
            return
        action = self.scheduled()
        self.schedule = degressive_schedule(
            self.budget.value, self.start.value, self.end.value, self.first_share.value, self.fall.value
        )
        as_of = pd.Timestamp(self.follow_up.value or EXAMPLE_FOLLOW_UP)
        self.situation = implementation.follow_up(action, as_of).iloc[0]
        state = self.situation["state"]
        text = t(
            "exercise.joint.situation",
            self.lang,
            date=i18n.date(as_of, self.lang),
            state=t(f"enum.implementation_state.{state}", self.lang),
        )
        if pd.notna(self.situation["days_late"]):
            text += " " + t("exercise.joint.days_late", self.lang, days=int(self.situation["days_late"]))
        colour = implementation.STATE_COLOURS[state]
        self.situation_view.value = (
            f'<p style="border-left: 0.6em solid {colour}; padding-left: 0.6em">{html.escape(text)}</p>'
        )
        total, fund = self.schedule["budget"].sum(), self.schedule["fund"].sum()
        local_share = self.schedule["local_share"]
        self.summary_view.value = paragraph(
            html.escape(
                t(
                    "exercise.joint.summary",
                    self.lang,
                    fund=self._euros(fund),
                    fund_share=i18n.percent(fund / total if total else None, self.lang),
                    local=self._euros(total - fund),
                    local_share=i18n.percent((total - fund) / total if total else None, self.lang),
                    first_local=i18n.percent(local_share.iloc[0], self.lang),
                    last_local=i18n.percent(local_share.iloc[-1], self.lang),
                )
            )
        )
        self.table_view.value = table_html(self.schedule, self.lang, percent=("fund_share", "local_share"))
        self.chart.value = png(self._figure())

    @house_figure
    def _figure(self):
        """The yearly budget as bars: the fund's part below, the firms' part above."""
        figure, ax = plt.subplots(figsize=(PRINT_WIDTH, 2.6))
        years = [
            t(
                "exercise.joint.action_year",
                self.lang,
                number=y,
                start=i18n.date(a, self.lang),
                end=i18n.date(b, self.lang),
            )
            .replace(" : ", "\n")
            .replace(": ", "\n")
            for y, a, b in zip(self.schedule["year"], self.schedule["start"], self.schedule["end"])
        ]
        ax.bar(years, self.schedule["fund"], color=PALETTE[0], label=label("fund", self.lang))
        ax.bar(
            years,
            self.schedule["local"],
            bottom=self.schedule["fund"],
            color=PALETTE[1],
            label=label("local", self.lang),
        )
        ax.yaxis.set_major_formatter(lambda value, _: i18n.number(value, self.lang, 0))
        ax.xaxis.grid(False)
        ax.legend()
        return figure

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def joint_action_widget(
    workbook=None, lang: str = "fr", action_id: str | None = None, **options
) -> JointActionExercise:
    """The launching exercise on one action of a team workbook (by default the packaged example's
    employers' group, :data:`EXAMPLE_JOINT_ACTION`, or a team's first planned action).

    ``options`` go to :class:`JointActionExercise` (``first_share``, ``fall``, ``follow_up``).
    """
    lang = i18n.check_lang(lang)
    book = read_workbook(workbook or example_path(), lang=lang, step="implementation")
    actions = book["actions"]
    if action_id is None:
        planned = actions.loc[actions["status"] == "planned", "action_id"]
        action_id = EXAMPLE_JOINT_ACTION if workbook is None or planned.empty else planned.iloc[0]
    if action_id not in set(actions["action_id"]):
        raise ValueError(t("exercise.joint.unknown", lang, action=action_id))
    return JointActionExercise(
        actions.set_index("action_id")
        .loc[action_id]
        .rename(action_id)
        .to_frame()
        .T.reset_index(names="action_id")
        .iloc[0],
        lang,
        book.lang,
        **options,
    )
