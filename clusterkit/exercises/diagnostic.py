"""Step 2: sorting the diagnostic's SWOT statements."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import i18n
from ..documents.tables import label
from ..errors import StepInputError
from ..i18n import t
from ..schema import ENUMS
from ..steps import diagnostic
from ..workbook import example_path, read_workbook
from .layout import WIDE, control, example_text, exercise_box, image, paragraph, png, row

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

    def __init__(
        self, swot: pd.DataFrame, lang: str = "fr", workbook_lang: str = "fr", *, seed: int = SHUFFLE_SEED, top: int = 5
    ):
        self.lang, self.top = i18n.check_lang(lang), top
        order = np.random.default_rng(seed).permutation(len(swot))
        key = swot.iloc[order].reset_index(drop=True)
        texts = [
            example_text("swot", ident, text, self.lang, workbook_lang)
            for ident, text in zip(key["swot_id"], key["statement"])
        ]
        # the answers, in the order shown; ids are not shown, since they often follow the categories
        self.key = key.assign(number=range(1, len(key) + 1), statement=texts)
        self.score: dict | None = None
        self.ranked: pd.DataFrame | None = None
        self.gaps: pd.DataFrame | None = None
        choose = [(t("exercise.swot.choose", self.lang), NOT_SORTED)]
        self.categories = [
            widgets.Dropdown(
                options=choose + [(t(f"enum.swot_category.{c}", self.lang), c) for c in ENUMS["swot_category"]],
                value=NOT_SORTED,
                description=label("category", self.lang),
                style=WIDE,
                layout=control("14em", "20em"),
            )
            for _ in texts
        ]
        self.themes = [
            widgets.Dropdown(
                options=choose + [(t(f"enum.theme.{c}", self.lang), c) for c in ENUMS["theme"]],
                value=NOT_SORTED,
                description=label("theme", self.lang),
                style=WIDE,
                layout=control("14em", "20em"),
            )
            for _ in texts
        ]
        self.check_button = widgets.Button(
            description=t("exercise.swot.check", self.lang), button_style="primary", icon="check"
        )
        self.check_button.on_click(lambda _: self.check())
        self.score_view, self.gaps_view = widgets.HTML(), widgets.HTML()
        self.chart = image(display="none")  # hidden until there is a matrix: an empty image shows as broken
        rows = [
            row(f"{n}. {html.escape(text)}", category, theme)
            for n, text, category, theme in zip(self.key["number"], texts, self.categories, self.themes)
        ]
        self.results = widgets.VBox([self.score_view, self.gaps_view, self.chart])
        self.box = exercise_box(
            widgets.HTML(paragraph(html.escape(t("exercise.swot.intro", self.lang)))),
            *rows,
            self.check_button,
            self.results,
        )

    def sorting(self) -> pd.DataFrame:
        """The statements in the order shown, with the participants' ``category`` and ``theme``
        (missing when not chosen) beside the workbook's ``expected_category`` and ``expected_theme``."""
        return pd.DataFrame(
            {
                "number": self.key["number"],
                "swot_id": self.key["swot_id"],
                "statement": self.key["statement"],
                "votes": self.key["votes"],
                "category": pd.Series([w.value or None for w in self.categories], dtype="str"),
                "theme": pd.Series([w.value or None for w in self.themes], dtype="str"),
                "expected_category": self.key["category"],
                "expected_theme": self.key["theme"],
            }
        )

    def check(self) -> None:
        """Score the sorting, then show the participants' matrix and the themes left without support."""
        sorting = self.sorting()
        category_right = sorting["category"].eq(sorting["expected_category"])
        theme_right = sorting["theme"].eq(sorting["expected_theme"])
        complete = sorting["category"].notna() & sorting["theme"].notna()
        self.score = {
            "statements": len(sorting),
            "sorted": int(complete.sum()),
            "category_right": int(category_right.sum()),
            "theme_right": int(theme_right.sum()),
        }
        placed = sorting[sorting["category"].notna()]
        if placed.empty:
            self.ranked = self.gaps = None
            self.score_view.value = paragraph(html.escape(t("exercise.swot.nothing", self.lang)))
            self.gaps_view.value, self.chart.value = "", b""
            self.chart.layout.display = "none"
            return
        lines = [
            t(
                "exercise.swot.score",
                self.lang,
                category=self.score["category_right"],
                theme=self.score["theme_right"],
                total=self.score["statements"],
            )
        ]
        if self.score["sorted"] < self.score["statements"]:
            lines.append(t("exercise.swot.unsorted", self.lang, count=self.score["statements"] - self.score["sorted"]))
        for key, wrong in (
            ("review_category", sorting["category"].notna() & ~category_right),
            ("review_theme", sorting["theme"].notna() & ~theme_right),
        ):
            if wrong.any():
                lines.append(
                    t(
                        f"exercise.swot.{key}",
                        self.lang,
                        numbers=", ".join(str(n) for n in sorting.loc[wrong, "number"]),
                    )
                )
        self.score_view.value = "".join(paragraph(html.escape(line)) for line in lines)
        self.ranked = diagnostic.swot_ranked(placed)
        self.gaps = diagnostic.swot_gaps(placed)
        themes = ", ".join(t(f"enum.theme.{theme}", self.lang) for theme in self.gaps["theme"])
        self.gaps_view.value = paragraph(
            t("diagnostic.swot.gaps", self.lang, themes=themes)
            if len(self.gaps)
            else t("diagnostic.swot.no_gaps", self.lang)
        )
        titles = {c: t(f"diagnostic.swot.quadrant.{c}", self.lang) for c in ENUMS["swot_category"]}
        self.chart.value = png(diagnostic.swot_matrix(self.ranked, titles, top=self.top))
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
        raise StepInputError(t("diagnostic.swot.missing", lang))
    return SwotSortingExercise(book["swot"], lang, book.lang, **options)
