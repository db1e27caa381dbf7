"""Step 1: the criterion weights and the ranking's stability."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd

from .. import i18n
from ..documents.tables import label
from ..i18n import t
from ..steps import selection
from ..workbook import example_path, read_workbook
from .layout import exercise_box, image, line, png, readout

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

    def __init__(
        self,
        candidates: pd.DataFrame,
        criteria: pd.DataFrame,
        lang: str = "fr",
        workbook_lang: str = "fr",
        *,
        method: str = "minmax",
        draws: int = SENSITIVITY_DRAWS,
        seed: int = 0,
    ):
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
            c: widgets.FloatSlider(
                value=w,
                min=0.0,
                max=top,
                step=0.01,
                readout_format=".2f",
                description=names[c],
                style=wide,
                layout=line(),
            )
            for c, w in every[0].items()
        }
        self.preset = widgets.Dropdown(
            options=[(t("exercise.selection.team_weights", self.lang), TEAM_WEIGHTS)]
            + [(p["label"][self.lang], key) for key, p in presets.items()],
            value=TEAM_WEIGHTS,
            description=t("exercise.selection.preset", self.lang),
            style=wide,
            layout=line(),
        )
        self.top_k = widgets.IntSlider(
            value=min(3, len(candidates)),
            min=1,
            max=len(candidates),
            description=t("exercise.selection.top_k", self.lang),
            style=wide,
            layout=line(),
        )
        self.weights_view = widgets.HTML()
        self.ranking_view = widgets.HTML(layout=widgets.Layout(flex="1 1 24em", min_width="0"))
        self.chart = image(flex="0 1 auto", min_width="0")
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.top_k.observe(self.update, names="value")
        self.preset.observe(self._apply_preset, names="value")
        weights = [readout(s, lambda v: i18n.number(v, self.lang, 2)) for s in self.sliders.values()]
        self.box = exercise_box(
            self.preset, *weights, self.top_k, self.weights_view, widgets.HBox([self.ranking_view, self.chart])
        )
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
        self.ranking = selection.score_candidates(self.candidates, self.criteria, method=self.method, weights=weights)
        self.sensitivity = selection.weight_sensitivity(
            self.candidates,
            self.criteria,
            n_draws=self.draws,
            top_k=self.top_k.value,
            seed=self.seed,
            method=self.method,
            weights=weights,
        )
        shares = selection.effective_weights(self.criteria, weights)
        listed = ", ".join(
            f"{html.escape(s.description)} {i18n.percent(shares[c], self.lang)}" for c, s in self.sliders.items()
        )
        self.weights_view.value = f"<p>{html.escape(t('exercise.selection.shares', self.lang))} {listed}</p>"
        self.ranking_view.value = self._ranking_html()
        figure = selection.sensitivity_chart(
            self.sensitivity,
            labels={
                "x": t("selection.sensitivity.chart_x", self.lang),
                "title": t("selection.sensitivity.chart_title", self.lang),
            },
        )
        self.chart.value = png(figure)

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
