"""Step 3: prioritising actions for impact and feasibility."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import i18n
from ..i18n import t
from ..steps import plan
from ..workbook import example_path, read_workbook
from .layout import WIDE, control, example_text, exercise_box, image, line, paragraph, png, row, table_html

# -- step 3: prioritising actions ------------------------------------------------------------------
# Eight actions of the example plan: quick wins and structuring projects, one in each quadrant at
# least, and years in which they overlap, so that a capacity of five or less triggers a warning.
EXAMPLE_SHORTLIST = ("ACT02", "ACT03", "ACT05", "ACT07", "ACT10", "ACT13", "ACT21", "ACT22")
SHORTLIST_SIZE = len(EXAMPLE_SHORTLIST)


class PlanPrioritisationExercise:
    """An impact and a feasibility slider per action, and a capacity slider.

    A score slider calls :meth:`update`, which recomputes :attr:`matrix`
    (:func:`plan.priority_matrix`: quadrant, score and rank) and redraws the prioritisation
    matrix; the capacity slider (0 switches the check off) recomputes :attr:`warnings`
    (:func:`plan.plan_warnings`) for these actions with the plan's orientation and horizon.
    """

    def __init__(
        self,
        actions: pd.DataFrame,
        objectives: pd.DataFrame,
        lang: str = "fr",
        workbook_lang: str = "fr",
        *,
        orientation: str | None = None,
        horizon_years=None,
        start_date=None,
        threshold: float = plan.DEFAULT_THRESHOLD,
        capacity: int | None = None,
    ):
        self.lang, self.threshold = i18n.check_lang(lang), threshold
        self.objectives, self.orientation = objectives, orientation
        self.horizon_years, self.start_date = horizon_years, start_date
        self.actions = actions.reset_index(drop=True).assign(
            title=[
                example_text("action", a, title, self.lang, workbook_lang)
                for a, title in zip(actions["action_id"], actions["title"])
            ]
        )
        self.matrix: pd.DataFrame | None = None
        self.warnings: list[plan.PlanWarning] = []

        def score_slider(key, value):
            return widgets.IntSlider(
                value=int(value),
                min=1,
                max=5,
                description=t(f"label.{key}", self.lang),
                continuous_update=False,
                style=WIDE,
                layout=control(),
            )

        self.impact = {a: score_slider("impact", v) for a, v in zip(self.actions["action_id"], self.actions["impact"])}
        self.feasibility = {
            a: score_slider("feasibility", v) for a, v in zip(self.actions["action_id"], self.actions["feasibility"])
        }
        busiest = int(plan.yearly_load(self.actions)["running"].max()) if len(self.actions) else 0
        self.capacity = widgets.IntSlider(
            value=busiest if capacity is None else capacity,
            min=0,
            max=max(len(self.actions), busiest),
            style={"description_width": "16em"},
            description=t("exercise.plan.capacity", self.lang),
            layout=line(),
        )
        self.ranking_view, self.warnings_view = widgets.HTML(), widgets.HTML()
        self.chart = image()
        for slider in (*self.impact.values(), *self.feasibility.values()):
            slider.observe(self.update, names="value")
        self.capacity.observe(self.update_warnings, names="value")
        rows = [
            row(f"<b>{html.escape(a)}</b> {html.escape(title)}", self.impact[a], self.feasibility[a])
            for a, title in zip(self.actions["action_id"], self.actions["title"])
        ]
        self.results = widgets.VBox([self.chart, self.ranking_view, self.capacity, self.warnings_view])
        self.box = exercise_box(
            widgets.HTML(paragraph(html.escape(t("exercise.plan.intro", self.lang)))), *rows, self.results
        )
        self.update()

    def scored(self) -> pd.DataFrame:
        """The actions with the sliders' impact and feasibility."""
        return self.actions.assign(
            impact=[self.impact[a].value for a in self.actions["action_id"]],
            feasibility=[self.feasibility[a].value for a in self.actions["action_id"]],
        )

    def update(self, change=None) -> None:
        self.matrix = plan.priority_matrix(self.scored(), self.threshold)
        columns = ["rank", "action_id", "title", "kind", "impact", "feasibility", "score", "quadrant"]
        self.ranking_view.value = table_html(
            self.matrix[columns], self.lang, enums={"kind": "action_kind", "quadrant": "plan_quadrant"}
        )
        figure = plan.priority_figure(
            self.matrix,
            {q: t(f"enum.plan_quadrant.{q}", self.lang) for q in plan.QUADRANTS},
            {k: t(f"enum.action_kind.{k}", self.lang) for k in plan.KIND_COLOURS},
            t("label.feasibility", self.lang),
            t("label.impact", self.lang),
            self.threshold,
        )
        self.chart.value = png(figure)
        self.update_warnings()

    def update_warnings(self, change=None) -> None:
        self.warnings = plan.plan_warnings(
            self.scored(), self.objectives, self.orientation, self.horizon_years, self.start_date, self.capacity.value
        )
        load = plan.yearly_load(self.actions)
        years = ", ".join(
            t("exercise.plan.year_load", self.lang, year=year, running=running)
            for year, running in zip(load["year"], load["running"])
        )
        parts = [paragraph(html.escape(t("exercise.plan.load", self.lang, years=years)))]
        parts += [
            paragraph(
                t(f"plan.warning.{w.key}", self.lang, **{k: html.escape(v) for k, v in w.values_for(self.lang).items()})
            )
            for w in self.warnings
        ]
        if not self.warnings:
            parts.append(paragraph(html.escape(t("plan.warnings.none", self.lang))))
        self.warnings_view.value = "".join(parts)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def plan_prioritisation_widget(
    workbook=None, lang: str = "fr", action_ids=None, **options
) -> PlanPrioritisationExercise:
    """The prioritisation exercise on a team workbook (by default the packaged example).

    ``action_ids`` chooses the actions; by default the example's shortlist
    (:data:`EXAMPLE_SHORTLIST`), or the first eight actions not dropped of a team's workbook.
    ``options`` go to :class:`PlanPrioritisationExercise` (``threshold``, ``capacity``).
    """
    lang = i18n.check_lang(lang)
    book = read_workbook(workbook or example_path(lang), lang=lang, step="plan")
    actions = book["actions"]
    if action_ids is None:
        live = actions[actions["status"] != "dropped"]
        action_ids = EXAMPLE_SHORTLIST if workbook is None else tuple(live["action_id"].head(SHORTLIST_SIZE))
    unknown = [a for a in action_ids if a not in set(actions["action_id"])]
    if unknown:
        raise ValueError(t("exercise.plan.unknown", lang, actions=", ".join(unknown)))
    chosen = actions.set_index("action_id").loc[list(action_ids)].reset_index()
    vision = book["vision"].iloc[0] if book.has("vision") and len(book["vision"]) else None
    return PlanPrioritisationExercise(
        chosen,
        book["objectives"],
        lang,
        book.lang,
        orientation=book.cluster.get("orientation"),
        horizon_years=None if vision is None else vision["horizon_years"],
        start_date=book.cluster.get("start_date"),
        **options,
    )
