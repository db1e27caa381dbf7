"""Trainer exercises: interactive tools built on the step functions.

- :func:`selection_weights_widget` lets participants move the criterion weights of step 1 and
  watch the ranking and its stability change;
- :func:`swot_sorting_widget` has them sort the diagnostic's SWOT statements, then scores the
  sorting against the workbook and draws their SWOT matrix (step 2);
- :func:`plan_prioritisation_widget` has them score actions for impact and feasibility and watch
  the prioritisation matrix, the ranking and the plan's capacity warnings (step 3);
- :func:`monitoring_targets_widget` has them move indicator targets and watch the progress and
  schedule status change (step 5);
- :func:`joint_action_widget` has them launch a co-financed action with a degressive subsidy and
  watch the local share, the budget by year and the follow-up status (step 4).

Every exercise is laid out by :func:`exercise_box` (rows that wrap, charts that shrink, labels
that wrap instead of being cut) and shows its solution through :func:`folded`, closed until the
trainer opens it.

The logic lives here rather than in the notebooks, so the tests drive it without a browser: set
a widget's value (or click a button), read the exercise's result attributes.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import math
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import traitlets
from IPython.display import display

from . import i18n
from .i18n import t
from .schema import ENUMS
from .steps import diagnostic, implementation, monitoring, plan, selection
from .documents.tables import TableSpec, displayed, label
from .workbook import example_path, read_workbook

SENSITIVITY_DRAWS = 500  # enough for a steady chart, quick enough to follow a slider live
TEAM_WEIGHTS = ""  # the preset dropdown's value for the criteria sheet's own weights


def preset_weights(criteria: pd.DataFrame, preset: str) -> dict[str, float]:
    """The weights a preset gives the team's criteria, on the scale of the team's own weights.

    :func:`selection.apply_preset` returns weights summing to 1; multiplying them by the total of
    the sheet's weights keeps the sliders comparable from one orientation to the other.
    """
    if preset == TEAM_WEIGHTS:
        return dict(zip(criteria["criterion"], criteria["weight"].astype(float)))
    weights = selection.apply_preset(criteria, preset)["weight"] * criteria["weight"].sum()
    return dict(zip(criteria["criterion"], weights.astype(float)))


class SelectionWeightsExercise:
    """Weight sliders, a preset dropdown and a top-k slider driving the ranking and its stability.

    Each change calls :meth:`update`, which recomputes :attr:`ranking`
    (:func:`selection.score_candidates`) and :attr:`sensitivity`
    (:func:`selection.weight_sensitivity`) with the sliders' weights and refreshes the views.
    """

    def __init__(self, candidates: pd.DataFrame, criteria: pd.DataFrame, lang: str = "fr",
                 workbook_lang: str = "fr", *, method: str = "minmax",
                 draws: int = SENSITIVITY_DRAWS, seed: int = 0):
        self.candidates, self.criteria = candidates, criteria
        self.lang, self.method, self.draws, self.seed = i18n.check_lang(lang), method, draws, seed
        self.ranking: pd.DataFrame | None = None
        self.sensitivity: pd.DataFrame | None = None
        self._holding = False
        presets = selection.selection_presets()
        every = [preset_weights(criteria, p) for p in (TEAM_WEIGHTS, *presets)]
        top = math.ceil(2 * max(max(w.values()) for w in every))  # room to double any weight
        names = selection.criterion_labels(criteria, self.lang, workbook_lang)
        wide = {"description_width": "16em"}  # criterion names wrap on two lines rather than being cut
        self.sliders = {
            c: widgets.FloatSlider(value=w, min=0.0, max=top, step=0.01, readout_format=".2f",
                                   description=names[c], style=wide, layout=line())
            for c, w in every[0].items()}
        self.preset = widgets.Dropdown(
            options=[(t("exercise.selection.team_weights", self.lang), TEAM_WEIGHTS)]
            + [(p["label"][self.lang], key) for key, p in presets.items()],
            value=TEAM_WEIGHTS, description=t("exercise.selection.preset", self.lang),
            style=wide, layout=line())
        self.top_k = widgets.IntSlider(value=min(3, len(candidates)), min=1, max=len(candidates),
                                       description=t("exercise.selection.top_k", self.lang),
                                       style=wide, layout=line())
        self.weights_view = widgets.HTML()
        self.ranking_view = widgets.HTML(layout=widgets.Layout(flex="1 1 24em", min_width="0"))
        self.chart = _image(flex="0 1 auto", min_width="0")
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.top_k.observe(self.update, names="value")
        self.preset.observe(self._apply_preset, names="value")
        weights = [readout(s, lambda v: i18n.number(v, self.lang, 2)) for s in self.sliders.values()]
        self.box = exercise_box(self.preset, *weights, self.top_k, self.weights_view,
                                widgets.HBox([self.ranking_view, self.chart]))
        self.update()

    def weights(self) -> dict[str, float]:
        return {c: s.value for c, s in self.sliders.items()}

    def _apply_preset(self, change=None) -> None:
        """Set every slider to the chosen preset's weights, then update once."""
        self._holding = True
        try:
            for criterion, weight in preset_weights(self.criteria, self.preset.value).items():
                self.sliders[criterion].value = weight
        finally:
            self._holding = False
        self.update()

    def update(self, change=None) -> None:
        if self._holding:
            return
        weights = self.weights()
        if not sum(weights.values()) > 0:
            self.ranking = self.sensitivity = None
            self.weights_view.value = f"<p>{html.escape(t('exercise.selection.no_weight', self.lang))}</p>"
            self.ranking_view.value, self.chart.value = "", b""
            return
        self.ranking = selection.score_candidates(self.candidates, self.criteria, method=self.method,
                                                  weights=weights)
        self.sensitivity = selection.weight_sensitivity(
            self.candidates, self.criteria, n_draws=self.draws, top_k=self.top_k.value,
            seed=self.seed, method=self.method, weights=weights)
        shares = selection.effective_weights(self.criteria, weights)
        listed = ", ".join(f"{html.escape(s.description)} {i18n.percent(shares[c], self.lang)}"
                           for c, s in self.sliders.items())
        self.weights_view.value = f"<p>{html.escape(t('exercise.selection.shares', self.lang))} {listed}</p>"
        self.ranking_view.value = self._ranking_html()
        figure = selection.sensitivity_chart(self.sensitivity, labels={
            "x": t("selection.sensitivity.chart_x", self.lang),
            "title": t("selection.sensitivity.chart_title", self.lang)})
        self.chart.value = _png(figure)

    def _ranking_html(self) -> str:
        ranked = self.ranking[~self.ranking["eliminated"]]
        groups = list(dict.fromkeys(self.criteria["group"]))
        columns = ["rank", "candidate_id", "name", *groups, "score"]
        shown = ranked[columns].copy()
        shown["rank"] = shown["rank"].map(lambda v: i18n.number(v, self.lang, 0))
        for column in (*groups, "score"):
            shown[column] = shown[column].map(lambda v: i18n.number(v, self.lang, 2))
        shown.columns = [label(c, self.lang) for c in columns]
        table = shown.to_html(index=False, escape=True, border=0, classes="ck-table")
        out = self.ranking[self.ranking["eliminated"]]
        if len(out):
            names = ", ".join(f"{cid} {name}" for cid, name in zip(out["candidate_id"], out["name"]))
            table += f"<p>{html.escape(t('exercise.selection.eliminated', self.lang, names=names))}</p>"
        return table

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def selection_weights_widget(workbook=None, lang: str = "fr", **options) -> SelectionWeightsExercise:
    """The weighting exercise on a team workbook (by default the packaged example).

    ``options`` go to :class:`SelectionWeightsExercise` (``method``, ``draws``, ``seed``).
    """
    lang = i18n.check_lang(lang)
    book = read_workbook(workbook or example_path(lang), lang=lang, step="selection")
    return SelectionWeightsExercise(book["candidates"], book["criteria"], lang, book.lang, **options)


# -- shared by the exercises below ---------------------------------------------------------------
WIDE = {"description_width": "initial"}

# -- one layout for every exercise ---------------------------------------------------------------
# ipywidgets' defaults are made for a wide screen: labels cut with an ellipsis, radio rows of
# 20 px, buttons of 148 px, images stretched by their box. These rules, scoped to the exercise's
# box, let rows wrap, labels wrap, answers grow with their text and charts keep their ratio and
# shrink with the width, from a 1024 px laptop to a 1920 px projector.
EXERCISE_CSS = """<style>
.ck-exercise {box-sizing: border-box; max-width: 100%; padding-right: 4px;}  /* room for the widgets' 2 px margins */
.ck-exercise .widget-hbox {flex-wrap: wrap; align-items: center; column-gap: 1em; overflow: visible;}
.ck-exercise .widget-inline-hbox {flex-wrap: wrap; height: auto; min-height: var(--jp-widgets-inline-height);}
.ck-exercise .widget-label, .ck-exercise .widget-label-basic, .ck-exercise .widget-html-content,
.ck-exercise .widget-readout {white-space: normal; overflow: visible; text-overflow: clip; height: auto;
  line-height: 1.35;}
.ck-exercise .widget-html-content {overflow-wrap: anywhere;}
.ck-exercise .widget-radio-box label {display: flex; align-items: flex-start; column-gap: 0.3em; height: auto;
  min-height: var(--jp-widgets-radio-item-height); white-space: normal; line-height: 1.35; padding: 0.2em 0;}
.ck-exercise .widget-radio-box input {float: none; flex-shrink: 0; height: 1.1em; margin-top: 0.15em;}
.ck-exercise .jupyter-button {width: auto; max-width: 100%; height: auto; min-height: 2.4em;
  min-width: 8em; white-space: normal; overflow: visible; text-overflow: clip; padding: 0.3em 1em;}
.ck-exercise .widget-slider .slider-container {min-width: 9em;}
.ck-exercise .widget-slider .slider {height: 8px;}
.ck-exercise .widget-slider .noUi-handle {width: 20px; height: 20px; top: -7px; right: -10px;}
.ck-exercise .widget-text input {min-width: 7em;}
.ck-exercise img {max-width: 100%; height: auto !important; margin: 0; object-fit: contain; align-self: flex-start;}
.ck-exercise table {width: 100%; table-layout: auto; border-collapse: collapse; font-size: 0.92em;}
.ck-exercise td, .ck-exercise th {white-space: normal !important; overflow-wrap: break-word; padding: 0.2em 0.3em;
  text-align: left; vertical-align: top;}
.ck-exercise td, .ck-exercise .ck-table-wrap th {overflow-wrap: anywhere;}
</style>"""


def exercise_box(*children) -> widgets.VBox:
    """An exercise's widgets in one box with the layout rules above: every exercise uses it."""
    # stretched rather than 100 % wide: a width of 100 % plus the widget's margins overflows the cell
    box = widgets.VBox([widgets.HTML(EXERCISE_CSS), *children], layout=widgets.Layout(width="auto"))
    box.add_class("ck-exercise")
    return box


def row(text_html: str, *controls) -> widgets.HBox:
    """A line of an exercise: a label that takes the room left and wraps, then its controls,
    which go to the next line when the width runs short."""
    label_box = widgets.HTML(text_html, layout=widgets.Layout(flex="1 1 16em", min_width="12em"))
    return widgets.HBox([label_box, *controls], layout=widgets.Layout(width="auto"))


def control(min_width: str = "16em", max_width: str = "36em") -> widgets.Layout:
    """The layout of a slider or a menu on a :func:`row`: wide enough to drag with a mouse on a
    projector, sharing the row's width with the others."""
    return widgets.Layout(flex=f"1 1 {min_width}", min_width=min_width, max_width=max_width, width="auto")


def line(max_width: str = "48em") -> widgets.Layout:
    """The layout of a slider or a menu on a line of its own: the exercise's width (stretched, since
    a width of 100 % plus the widget's margins would overflow), up to ``max_width``."""
    return widgets.Layout(width="auto", max_width=max_width)


def captured(*shown) -> widgets.Output:
    """``shown`` in an Output widget: widgets, DataFrames or anything the notebook can display, or
    functions called to print or display."""
    out = widgets.Output()
    with out:
        for item in shown:
            item() if callable(item) and not isinstance(item, widgets.Widget) else display(item)
    return out


def readout(slider, write) -> widgets.HBox:
    """``slider`` with its value written by ``write`` as the exercise's language writes it: a
    slider's own readout follows the browser's number format (68,900 and 25.0% in a French
    exercise). The box takes the slider's place and layout."""
    shown = widgets.HTML(write(slider.value), layout=widgets.Layout(flex="0 0 auto", min_width="4.5em"))
    slider.observe(lambda change: setattr(shown, "value", write(change["new"])), names="value")
    box = widgets.HBox([slider, shown], layout=slider.layout)
    slider.readout, slider.layout = False, widgets.Layout(flex="1 1 auto", width="auto", min_width="12em")
    return box


def folded(*shown, lang: str = "fr", title: str | None = None) -> widgets.Accordion:
    """Solution output (see :func:`captured`), closed until the trainer opens it, whatever cells were run."""
    panel = widgets.Accordion([captured(*shown)], titles=(title or t("exercise.solution.open", lang),),
                              selected_index=None)
    panel.add_class("ck-solution")
    return panel


def solution_table(frame: pd.DataFrame, lang: str = "fr", **spec) -> widgets.HTML:
    """A solution's table as the exercise shows its own: headers, catalogue values, numbers and
    dates in ``lang`` (``spec``: ``enums``, ``percent``, ``decimals`` as for the reports)."""
    return widgets.HTML(_table_html(frame, lang, **spec))


# -- dates typed as the exercise's language writes them --------------------------------------------
def date_text(value, lang: str) -> str:
    """A date as it is typed in ``lang`` (31/12/2028 in French, 2028-12-31 in English)."""
    return "" if value is None else value.strftime(t("exercise.date.format", lang))


def parse_date(text: str, lang: str) -> dt.date | None:
    """The date typed in ``text`` in the format of ``lang``; None when it is not one."""
    try:
        return dt.datetime.strptime(text.strip().replace(".", "/").replace("-", "/") if lang == "fr"
                                    else text.strip(), t("exercise.date.format", lang)).date()
    except ValueError:
        return None


class DateField(widgets.VBox):
    """A date typed as the exercise's language writes it, whatever the browser's locale (a
    DatePicker follows the browser: mm/dd/yyyy in an English browser). :attr:`value` is a
    :class:`datetime.date` or None; an unreadable entry says how to write it and keeps the value."""

    value = traitlets.Any(allow_none=True)

    def __init__(self, value: dt.date | None, lang: str = "fr", description: str = "", **kwargs):
        self.lang = i18n.check_lang(lang)
        self.text = widgets.Text(value=date_text(value, self.lang), description=description,
                                 placeholder=t("exercise.date.placeholder", self.lang), continuous_update=False,
                                 style=WIDE, layout=widgets.Layout(width="auto", min_width="14em", max_width="22em"))
        self.message = widgets.HTML()
        super().__init__([self.text, self.message], layout=widgets.Layout(flex="0 1 auto"), **kwargs)
        self.value = value
        self.text.observe(self._typed, names="value")
        self.observe(self._shown, names="value")

    def _typed(self, change) -> None:
        if not change["new"].strip():
            self.message.value = ""
            self.value = None
            return
        parsed = parse_date(change["new"], self.lang)
        if parsed is None:
            self.message.value = _paragraph(html.escape(t("exercise.date.invalid", self.lang, text=change["new"],
                                                          example=date_text(dt.date(2028, 12, 31), self.lang))))
            return
        self.message.value = ""
        self.value = parsed

    def _shown(self, change) -> None:
        if change["new"] is not None and parse_date(self.text.value, self.lang) != change["new"]:
            self.text.value = date_text(change["new"], self.lang)


def example_text(kind: str, ident, text: str, lang: str, workbook_lang: str) -> str:
    """The team's words, or their translation when they are the packaged example's own words.

    The catalogue holds ``exercise.example.<kind>.<id>`` for the example's statements and titles;
    the translation is used only when the reader's language differs from the workbook's and the
    team's text is word for word the example's, so a team's own text is never replaced.
    """
    key = f"exercise.example.{kind}.{ident}"
    if lang != workbook_lang and i18n.has(key) and t(key, workbook_lang) == text:
        return t(key, lang)
    return text


def _png(figure) -> bytes:
    """The figure as PNG bytes for an Image widget; closed, since a slider draws many."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _image(**layout) -> widgets.Image:
    """An Image widget for a chart, at its own size: a box would otherwise stretch it to its width."""
    return widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start", **layout))


def _table_html(frame: pd.DataFrame, lang: str, **spec) -> str:
    """A table as the reports show it: localised headers, labels and numbers, user text escaped."""
    shown = displayed(TableSpec("exercise", frame, **spec), lang)
    return shown.to_html(index=False, escape=True, border=0, classes="ck-table")


def _paragraph(text: str) -> str:
    return f"<p>{text}</p>"


# -- step 2: sorting the SWOT statements -----------------------------------------------------------
SHUFFLE_SEED = 7
NOT_SORTED = ""  # the dropdowns' value before a participant chooses


class SwotSortingExercise:
    """The workbook's SWOT statements, shuffled, each with a category and a theme dropdown.

    :meth:`check` (the « Vérifier » button) reads the dropdowns into :meth:`sorting`, scores it
    against the workbook (:attr:`score`), and builds from the participants' own sorting the
    ranked statements and the SWOT matrix (:func:`diagnostic.swot_ranked`,
    :func:`diagnostic.swot_matrix`) and the themes with problems but nothing to build on
    (:func:`diagnostic.swot_gaps`): :attr:`ranked`, :attr:`gaps`, :attr:`chart`.
    """

    def __init__(self, swot: pd.DataFrame, lang: str = "fr", workbook_lang: str = "fr", *,
                 seed: int = SHUFFLE_SEED, top: int = 5):
        self.lang, self.top = i18n.check_lang(lang), top
        order = np.random.default_rng(seed).permutation(len(swot))
        key = swot.iloc[order].reset_index(drop=True)
        texts = [example_text("swot", ident, text, self.lang, workbook_lang)
                 for ident, text in zip(key["swot_id"], key["statement"])]
        # the answers, in the order shown; ids are not shown, since they often follow the categories
        self.key = key.assign(number=range(1, len(key) + 1), statement=texts)
        self.score: dict | None = None
        self.ranked: pd.DataFrame | None = None
        self.gaps: pd.DataFrame | None = None
        choose = [(t("exercise.swot.choose", self.lang), NOT_SORTED)]
        self.categories = [widgets.Dropdown(
            options=choose + [(t(f"enum.swot_category.{c}", self.lang), c) for c in ENUMS["swot_category"]],
            value=NOT_SORTED, description=label("category", self.lang), style=WIDE,
            layout=control("14em", "20em")) for _ in texts]
        self.themes = [widgets.Dropdown(
            options=choose + [(t(f"enum.theme.{c}", self.lang), c) for c in ENUMS["theme"]],
            value=NOT_SORTED, description=label("theme", self.lang), style=WIDE,
            layout=control("14em", "20em")) for _ in texts]
        self.check_button = widgets.Button(description=t("exercise.swot.check", self.lang),
                                           button_style="primary", icon="check")
        self.check_button.on_click(lambda _: self.check())
        self.score_view, self.gaps_view = widgets.HTML(), widgets.HTML()
        self.chart = _image(display="none")  # hidden until there is a matrix: an empty image shows as broken
        rows = [row(f"{n}. {html.escape(text)}", category, theme)
                for n, text, category, theme in zip(self.key["number"], texts, self.categories, self.themes)]
        self.results = widgets.VBox([self.score_view, self.gaps_view, self.chart])
        self.box = exercise_box(widgets.HTML(_paragraph(html.escape(t("exercise.swot.intro", self.lang)))),
                                *rows, self.check_button, self.results)

    def sorting(self) -> pd.DataFrame:
        """The statements in the order shown, with the participants' ``category`` and ``theme``
        (missing when not chosen) beside the workbook's ``expected_category`` and ``expected_theme``."""
        return pd.DataFrame({
            "number": self.key["number"], "swot_id": self.key["swot_id"], "statement": self.key["statement"],
            "votes": self.key["votes"],
            "category": pd.Series([w.value or None for w in self.categories], dtype="str"),
            "theme": pd.Series([w.value or None for w in self.themes], dtype="str"),
            "expected_category": self.key["category"], "expected_theme": self.key["theme"]})

    def check(self) -> None:
        """Score the sorting, then show the participants' matrix and the themes left without support."""
        sorting = self.sorting()
        category_right = sorting["category"].eq(sorting["expected_category"])
        theme_right = sorting["theme"].eq(sorting["expected_theme"])
        complete = sorting["category"].notna() & sorting["theme"].notna()
        self.score = {"statements": len(sorting), "sorted": int(complete.sum()),
                      "category_right": int(category_right.sum()), "theme_right": int(theme_right.sum())}
        placed = sorting[sorting["category"].notna()]
        if placed.empty:
            self.ranked = self.gaps = None
            self.score_view.value = _paragraph(html.escape(t("exercise.swot.nothing", self.lang)))
            self.gaps_view.value, self.chart.value = "", b""
            self.chart.layout.display = "none"
            return
        lines = [t("exercise.swot.score", self.lang, category=self.score["category_right"],
                   theme=self.score["theme_right"], total=self.score["statements"])]
        if self.score["sorted"] < self.score["statements"]:
            lines.append(t("exercise.swot.unsorted", self.lang, count=self.score["statements"] - self.score["sorted"]))
        for key, wrong in (("review_category", sorting["category"].notna() & ~category_right),
                           ("review_theme", sorting["theme"].notna() & ~theme_right)):
            if wrong.any():
                lines.append(t(f"exercise.swot.{key}", self.lang,
                               numbers=", ".join(str(n) for n in sorting.loc[wrong, "number"])))
        self.score_view.value = "".join(_paragraph(html.escape(line)) for line in lines)
        self.ranked = diagnostic.swot_ranked(placed)
        self.gaps = diagnostic.swot_gaps(placed)
        themes = ", ".join(t(f"enum.theme.{theme}", self.lang) for theme in self.gaps["theme"])
        self.gaps_view.value = _paragraph(t("diagnostic.swot.gaps", self.lang, themes=themes) if len(self.gaps)
                                          else t("diagnostic.swot.no_gaps", self.lang))
        titles = {c: t(f"diagnostic.swot.quadrant.{c}", self.lang) for c in ENUMS["swot_category"]}
        self.chart.value = _png(diagnostic.swot_matrix(self.ranked, titles, top=self.top))
        self.chart.layout.display = None

    def reveal(self) -> None:
        """Set every dropdown to the workbook's answer and check: the trainer's solution."""
        for widget, value in (*zip(self.categories, self.key["category"]), *zip(self.themes, self.key["theme"])):
            widget.value = value
        self.check()

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def swot_sorting_widget(workbook=None, lang: str = "fr", **options) -> SwotSortingExercise:
    """The SWOT sorting exercise on a team workbook's ``swot`` sheet (by default the packaged example).

    ``options`` go to :class:`SwotSortingExercise` (``seed``, ``top``).
    """
    lang = i18n.check_lang(lang)
    book = read_workbook(workbook or example_path(lang), lang=lang, step="diagnostic")
    if not book.has("swot"):
        raise ValueError(t("diagnostic.swot.missing", lang))
    return SwotSortingExercise(book["swot"], lang, book.lang, **options)


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

    def __init__(self, actions: pd.DataFrame, objectives: pd.DataFrame, lang: str = "fr",
                 workbook_lang: str = "fr", *, orientation: str | None = None, horizon_years=None,
                 start_date=None, threshold: float = plan.DEFAULT_THRESHOLD, capacity: int | None = None):
        self.lang, self.threshold = i18n.check_lang(lang), threshold
        self.objectives, self.orientation = objectives, orientation
        self.horizon_years, self.start_date = horizon_years, start_date
        self.actions = actions.reset_index(drop=True).assign(title=[
            example_text("action", a, title, self.lang, workbook_lang)
            for a, title in zip(actions["action_id"], actions["title"])])
        self.matrix: pd.DataFrame | None = None
        self.warnings: list[plan.PlanWarning] = []

        def score_slider(key, value):
            return widgets.IntSlider(value=int(value), min=1, max=5, description=t(f"label.{key}", self.lang),
                                     continuous_update=False, style=WIDE, layout=control())

        self.impact = {a: score_slider("impact", v) for a, v in zip(self.actions["action_id"], self.actions["impact"])}
        self.feasibility = {a: score_slider("feasibility", v)
                            for a, v in zip(self.actions["action_id"], self.actions["feasibility"])}
        busiest = int(plan.yearly_load(self.actions)["running"].max()) if len(self.actions) else 0
        self.capacity = widgets.IntSlider(value=busiest if capacity is None else capacity, min=0,
                                          max=max(len(self.actions), busiest), style={"description_width": "16em"},
                                          description=t("exercise.plan.capacity", self.lang),
                                          layout=line())
        self.ranking_view, self.warnings_view = widgets.HTML(), widgets.HTML()
        self.chart = _image()
        for slider in (*self.impact.values(), *self.feasibility.values()):
            slider.observe(self.update, names="value")
        self.capacity.observe(self.update_warnings, names="value")
        rows = [row(f"<b>{html.escape(a)}</b> {html.escape(title)}", self.impact[a], self.feasibility[a])
                for a, title in zip(self.actions["action_id"], self.actions["title"])]
        self.results = widgets.VBox([self.chart, self.ranking_view, self.capacity, self.warnings_view])
        self.box = exercise_box(widgets.HTML(_paragraph(html.escape(t("exercise.plan.intro", self.lang)))),
                                *rows, self.results)
        self.update()

    def scored(self) -> pd.DataFrame:
        """The actions with the sliders' impact and feasibility."""
        return self.actions.assign(impact=[self.impact[a].value for a in self.actions["action_id"]],
                                   feasibility=[self.feasibility[a].value for a in self.actions["action_id"]])

    def update(self, change=None) -> None:
        self.matrix = plan.priority_matrix(self.scored(), self.threshold)
        columns = ["rank", "action_id", "title", "kind", "impact", "feasibility", "score", "quadrant"]
        self.ranking_view.value = _table_html(self.matrix[columns], self.lang,
                                              enums={"kind": "action_kind", "quadrant": "plan_quadrant"})
        figure = plan.priority_figure(
            self.matrix, {q: t(f"enum.plan_quadrant.{q}", self.lang) for q in plan.QUADRANTS},
            {k: t(f"enum.action_kind.{k}", self.lang) for k in plan.KIND_COLOURS},
            t("label.feasibility", self.lang), t("label.impact", self.lang), self.threshold)
        self.chart.value = _png(figure)
        self.update_warnings()

    def update_warnings(self, change=None) -> None:
        self.warnings = plan.plan_warnings(self.scored(), self.objectives, self.orientation, self.horizon_years,
                                               self.start_date, self.capacity.value)
        load = plan.yearly_load(self.actions)
        years = ", ".join(t("exercise.plan.year_load", self.lang, year=year, running=running)
                          for year, running in zip(load["year"], load["running"]))
        parts = [_paragraph(html.escape(t("exercise.plan.load", self.lang, years=years)))]
        parts += [_paragraph(t(f"plan.warning.{w.key}", self.lang,
                               **{k: html.escape(v) for k, v in w.values_for(self.lang).items()}))
                  for w in self.warnings]
        if not self.warnings:
            parts.append(_paragraph(html.escape(t("plan.warnings.none", self.lang))))
        self.warnings_view.value = "".join(parts)

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def plan_prioritisation_widget(workbook=None, lang: str = "fr", action_ids=None,
                               **options) -> PlanPrioritisationExercise:
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
        chosen, book["objectives"], lang, book.lang, orientation=book.cluster.get("orientation"),
        horizon_years=None if vision is None else vision["horizon_years"],
        start_date=book.cluster.get("start_date"), **options)


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
    return (round(math.floor(round(bottom / step, 6)) * step, decimals),
            round(math.ceil(round((high + span) / step, 6)) * step, decimals), step)


class MonitoringTargetsExercise:
    """A target slider and a target date (typed as the language writes it) per indicator.

    Each change calls :meth:`update`, which recomputes :attr:`progress`
    (:func:`monitoring.progress_table`: latest value, progress, expected progress and schedule
    status) with the chosen targets and dates, and redraws the trends
    (:func:`monitoring.trend_figure`). A cleared date, or one before the baseline, takes back
    the workbook's date.
    """

    def __init__(self, indicators: pd.DataFrame, measurements: pd.DataFrame, lang: str = "fr",
                 workbook_lang: str = "fr", *, at_risk_below: float = monitoring.AT_RISK_BELOW,
                 off_track_below: float = monitoring.OFF_TRACK_BELOW):
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
                value=float(indicator.target), min=low, max=high, step=step,
                readout_format=f".{decimals}%" if share else f".{decimals}f",
                continuous_update=False,  # a redraw takes most of a second: on release only
                description=t("label.target", self.lang), style=WIDE, layout=control())
            first = indicator.baseline_date + pd.Timedelta(days=1) if pd.notna(indicator.baseline_date) else None
            self.earliest[indicator.indicator_id] = None if first is None else first.date()
            self.dates[indicator.indicator_id] = DateField(indicator.target_date.date(), self.lang,
                                                     t("label.target_date", self.lang))
            target = readout(self.targets[indicator.indicator_id], partial(self.written, indicator.indicator_id))
            rows.append(row(f"<b>{html.escape(indicator.indicator_id)}</b> {html.escape(self.names[indicator.indicator_id])}",
                            target, self.dates[indicator.indicator_id]))
        self.summary_view, self.table_view = widgets.HTML(), widgets.HTML()
        self.chart = _image()
        for slider in self.targets.values():
            slider.observe(self.update, names="value")
        for ident, field in self.dates.items():
            field.observe(lambda change, ident=ident: self._date_changed(ident, change), names="value")
        intro = t("exercise.monitoring.intro", self.lang, at_risk=i18n.percent(at_risk_below, self.lang),
                  off_track=i18n.percent(off_track_below, self.lang))
        self.results = widgets.VBox([self.summary_view, self.table_view, self.chart])
        self.box = exercise_box(widgets.HTML(_paragraph(html.escape(intro))), *rows, self.results)
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
            target_date=pd.to_datetime([self.dates[i].value for i in ids]).astype("datetime64[ns]"))

    def update(self, change=None) -> None:
        self.progress = monitoring.progress_table(self.chosen(), self.measurements, None, self.at_risk_below,
                                                  self.off_track_below)
        counts = self.progress["progress_status"].value_counts()
        listed = ", ".join(f"{t(f'enum.monitoring_status.{s}', self.lang)} {counts[s]}"
                           for s in monitoring.STATUSES if s in counts.index)
        self.summary_view.value = _paragraph(html.escape(t(
            "exercise.monitoring.summary", self.lang, date=i18n.date(self.progress["measured_on"].max(), self.lang),
            statuses=listed)))
        self.table_view.value = self._table_html()
        labels = monitoring.labels("monitoring.trends", ("measured", "target", "expected"), self.lang)
        self.chart.value = _png(monitoring.trend_figure(self.progress, self.measurements, self.names, labels,
                                                        columns=min(3, max(1, len(self.progress))),
                                                        tick_format=self.written, title_width=40))

    def written(self, ident: str, value) -> str:
        """An indicator's value as the exercise writes it: a percentage for a share, else a number."""
        share, decimals = self.formats[ident]
        return (i18n.percent if share else i18n.number)(None if pd.isna(value) else value, self.lang, decimals)

    def _table_html(self) -> str:
        """The progress table, each status cell in the colour of the monitoring reports."""
        columns = ("indicator_id", "baseline", "current_value", "target", "target_date", "progress",
                   "expected_progress", "progress_status")
        head = "".join(f"<th>{html.escape(label(c, self.lang))}</th>" for c in columns)
        body = []
        for row in self.progress.itertuples(index=False):
            cells = [f"{row.indicator_id} {self.names[row.indicator_id]}",
                     *(self.written(row.indicator_id, v) for v in (row.baseline, row.current_value, row.target)),
                     i18n.date(row.target_date, self.lang),
                     *(i18n.percent(None if pd.isna(v) else v, self.lang) for v in (row.progress, row.expected_progress)),
                     t(f"enum.monitoring_status.{row.progress_status}", self.lang)]
            colour = monitoring.STATUS_COLOURS[row.progress_status]
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells[:-1])
                        + f'<td style="background:#{colour}">{html.escape(cells[-1])}</td></tr>')
        return f'<table class="ck-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def monitoring_targets_widget(workbook=None, lang: str = "fr", indicator_ids=None,
                              **options) -> MonitoringTargetsExercise:
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
    return pd.DataFrame({"year": range(1, len(bounds) + 1), "start": [a for a, _ in bounds],
                         "end": [b for _, b in bounds], "budget": yearly, "fund_share": shares,
                         "fund": yearly * shares, "local": yearly * (1 - shares), "local_share": 1 - shares})


class JointActionExercise:
    """One action of the plan to launch: its budget and dates, a degressive support (a share for
    the first year and its fall each year), its recorded status and a follow-up date.

    Each change calls :meth:`update`, which recomputes :attr:`schedule`
    (:func:`degressive_schedule`) and :attr:`situation` (:func:`implementation.follow_up` on the
    action as scheduled), and redraws the yearly budget split between the fund and the firms.
    """

    def __init__(self, action: pd.Series, lang: str = "fr", workbook_lang: str = "fr", *,
                 first_share: float = FIRST_SHARE, fall: float = YEARLY_FALL, follow_up=EXAMPLE_FOLLOW_UP):
        self.lang = i18n.check_lang(lang)
        self.action = action.copy()
        self.action["title"] = example_text("action", action["action_id"], action["title"], self.lang, workbook_lang)
        self.schedule: pd.DataFrame | None = None
        self.situation: pd.Series | None = None
        top = max(1000.0, math.ceil(2 * float(action["budget"]) / 1000) * 1000)
        self.budget = widgets.FloatSlider(value=float(action["budget"]), min=0.0, max=top, step=100.0,
                                          readout_format=",.0f", continuous_update=False,
                                          description=t("exercise.joint.budget", self.lang), style=WIDE,
                                          layout=control())
        self.first_share = widgets.FloatSlider(value=first_share, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                                               continuous_update=False, style=WIDE, layout=control(),
                                               description=t("exercise.joint.first_share", self.lang))
        self.fall = widgets.FloatSlider(value=fall, min=0.0, max=0.5, step=0.05, readout_format=".0%",
                                        continuous_update=False, style=WIDE, layout=control(),
                                        description=t("exercise.joint.step", self.lang))
        self.start = DateField(action["start"].date(), self.lang, label("start", self.lang))
        self.end = DateField(action["end"].date(), self.lang, label("end", self.lang))
        self.status = widgets.Dropdown(options=[(t(f"enum.status.{s}", self.lang), s) for s in ENUMS["status"]],
                                       value=action["status"], description=label("status", self.lang), style=WIDE,
                                       layout=control("14em", "22em"))
        self.follow_up = DateField(pd.Timestamp(follow_up).date(), self.lang, t("exercise.joint.follow_up", self.lang))
        self.summary_view, self.table_view, self.situation_view = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.chart = _image()
        for widget in (self.budget, self.first_share, self.fall, self.start, self.end, self.status, self.follow_up):
            widget.observe(self.update, names="value")
        title = f"<b>{html.escape(action['action_id'])}</b> {html.escape(self.action['title'])}"
        self.results = widgets.VBox([self.situation_view, self.summary_view, self.table_view, self.chart])
        self.box = exercise_box(widgets.HTML(_paragraph(html.escape(t("exercise.joint.intro", self.lang)))),
                                widgets.HTML(_paragraph(title)),
                                row(html.escape(label("budget", self.lang)), readout(self.budget, self._euros)),
                                row(html.escape(t("exercise.joint.support", self.lang)),
                                    readout(self.first_share, self._percent), readout(self.fall, self._percent)),
                                row(html.escape(t("exercise.joint.dates", self.lang)), self.start, self.end),
                                row(html.escape(t("exercise.joint.tracking", self.lang)), self.status, self.follow_up),
                                self.results)
        self.update()

    def _euros(self, value) -> str:
        return t("exercise.joint.euros", self.lang, amount=i18n.number(value, self.lang, 0))

    def _percent(self, value) -> str:
        return i18n.percent(value, self.lang)

    def scheduled(self) -> pd.DataFrame:
        """The action as the widgets schedule it, one row in the shape of the ``actions`` sheet."""
        return pd.DataFrame([self.action]).assign(
            budget=self.budget.value, status=self.status.value,
            start=pd.Timestamp(self.start.value), end=pd.Timestamp(self.end.value)).reset_index(drop=True)

    def update(self, change=None) -> None:
        if self.start.value is None or self.end.value is None or self.end.value < self.start.value:
            self.summary_view.value = _paragraph(html.escape(t("exercise.joint.dates_order", self.lang)))
            return
        action = self.scheduled()
        self.schedule = degressive_schedule(self.budget.value, self.start.value, self.end.value,
                                            self.first_share.value, self.fall.value)
        as_of = pd.Timestamp(self.follow_up.value or EXAMPLE_FOLLOW_UP)
        self.situation = implementation.follow_up(action, as_of).iloc[0]
        state = self.situation["state"]
        text = t("exercise.joint.situation", self.lang, date=i18n.date(as_of, self.lang),
                 state=t(f"enum.implementation_state.{state}", self.lang))
        if pd.notna(self.situation["days_late"]):
            text += " " + t("exercise.joint.days_late", self.lang, days=int(self.situation["days_late"]))
        colour = implementation.STATE_COLOURS[state]
        self.situation_view.value = (f'<p style="border-left: 0.6em solid {colour}; padding-left: 0.6em">'
                                     f"{html.escape(text)}</p>")
        total, fund = self.schedule["budget"].sum(), self.schedule["fund"].sum()
        local_share = self.schedule["local_share"]
        self.summary_view.value = _paragraph(html.escape(t(
            "exercise.joint.summary", self.lang, fund=self._euros(fund),
            fund_share=i18n.percent(fund / total if total else None, self.lang),
            local=self._euros(total - fund),
            local_share=i18n.percent((total - fund) / total if total else None, self.lang),
            first_local=i18n.percent(local_share.iloc[0], self.lang),
            last_local=i18n.percent(local_share.iloc[-1], self.lang))))
        self.table_view.value = _table_html(self.schedule, self.lang, percent=("fund_share", "local_share"))
        self.chart.value = _png(self._figure())

    def _figure(self):
        """The yearly budget as bars: the fund's part below, the firms' part above."""
        figure, ax = plt.subplots(figsize=(6.4, 2.6))
        years = [t("exercise.joint.action_year", self.lang, number=y, start=i18n.date(a, self.lang),
                   end=i18n.date(b, self.lang)).replace(" : ", "\n").replace(": ", "\n")
                 for y, a, b in zip(self.schedule["year"], self.schedule["start"], self.schedule["end"])]
        ax.bar(years, self.schedule["fund"], color="#2e86c1", label=label("fund", self.lang))
        ax.bar(years, self.schedule["local"], bottom=self.schedule["fund"], color="#f0b27a",
               label=label("local", self.lang))
        ax.yaxis.set_major_formatter(lambda value, _: i18n.number(value, self.lang, 0))
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=8, frameon=False)
        return figure

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def joint_action_widget(workbook=None, lang: str = "fr", action_id: str | None = None,
                        **options) -> JointActionExercise:
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
    return JointActionExercise(actions.set_index("action_id").loc[action_id].rename(action_id)
                               .to_frame().T.reset_index(names="action_id").iloc[0], lang, book.lang, **options)
