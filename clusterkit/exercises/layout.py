"""One layout for every exercise: rows that wrap, charts that shrink, labels that wrap instead of
being cut, dates typed as the exercise's language writes them, solutions folded until opened."""

from __future__ import annotations

import datetime as dt
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
import traitlets
from IPython.display import display
from IPython.utils.capture import capture_output

from .. import i18n
from ..documents.tables import TableSpec, displayed
from ..i18n import t

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
    functions called to print or display (what one function prints comes before what it displays).

    The outputs are collected first and then given to the widget: capturing them live (``with out:``)
    can leave a Voilà page executing forever (voila-dashboards/voila#1428)."""
    outputs = []
    for item in shown:
        with capture_output() as caught:
            item() if callable(item) and not isinstance(item, widgets.Widget) else display(item)
        if caught.stdout:
            outputs.append({"output_type": "stream", "name": "stdout", "text": caught.stdout})
        outputs += [{"output_type": "display_data", "data": o.data, "metadata": o.metadata} for o in caught.outputs]
    out = widgets.Output()
    out.outputs = tuple(outputs)
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
    panel = widgets.Accordion(
        [captured(*shown)], titles=(title or t("exercise.solution.open", lang),), selected_index=None
    )
    panel.add_class("ck-solution")
    return panel


def solution_table(frame: pd.DataFrame, lang: str = "fr", **spec) -> widgets.HTML:
    """A solution's table as the exercise shows its own: headers, catalogue values, numbers and
    dates in ``lang`` (``spec``: ``enums``, ``percent``, ``decimals`` as for the reports)."""
    return widgets.HTML(table_html(frame, lang, **spec))


# -- dates typed as the exercise's language writes them --------------------------------------------
def date_text(value, lang: str) -> str:
    """A date as it is typed in ``lang`` (31/12/2028 in French, 2028-12-31 in English)."""
    return "" if value is None else value.strftime(t("exercise.date.format", lang))


def parse_date(text: str, lang: str) -> dt.date | None:
    """The date typed in ``text`` in the format of ``lang``; None when it is not one."""
    try:
        return dt.datetime.strptime(
            text.strip().replace(".", "/").replace("-", "/") if lang == "fr" else text.strip(),
            t("exercise.date.format", lang),
        ).date()
    except ValueError:
        return None


class DateField(widgets.VBox):
    """A date typed as the exercise's language writes it, whatever the browser's locale (a
    DatePicker follows the browser: mm/dd/yyyy in an English browser). :attr:`value` is a
    :class:`datetime.date` or None; an unreadable entry says how to write it and keeps the value."""

    value = traitlets.Any(allow_none=True)

    def __init__(self, value: dt.date | None, lang: str = "fr", description: str = "", **kwargs):
        self.lang = i18n.check_lang(lang)
        self.text = widgets.Text(
            value=date_text(value, self.lang),
            description=description,
            placeholder=t("exercise.date.placeholder", self.lang),
            continuous_update=False,
            style=WIDE,
            layout=widgets.Layout(width="auto", min_width="14em", max_width="22em"),
        )
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
            self.message.value = paragraph(
                html.escape(
                    t(
                        "exercise.date.invalid",
                        self.lang,
                        text=change["new"],
                        example=date_text(dt.date(2028, 12, 31), self.lang),
                    )
                )
            )
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


def png(figure) -> bytes:
    """The figure as PNG bytes for an Image widget; closed, since a slider draws many."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def image(**layout) -> widgets.Image:
    """An Image widget for a chart, at its own size: a box would otherwise stretch it to its width."""
    return widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start", **layout))


def table_html(frame: pd.DataFrame, lang: str, **spec) -> str:
    """A table as the reports show it: localised headers, labels and numbers, user text escaped."""
    shown = displayed(TableSpec("exercise", frame, **spec), lang)
    return shown.to_html(index=False, escape=True, border=0, classes="ck-table")


def paragraph(text: str) -> str:
    return f"<p>{text}</p>"
