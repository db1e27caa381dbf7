"""What a template shows: headings, text, tables and figures in the run's language.

A template creates one :class:`Report`, which reads the workbook (validated once, at the edge),
then displays each table with localised headers and numbers while keeping the full-precision
values. :meth:`Report.save` writes every table shown into one XLSX workbook, one tab per table,
so a team can reuse the numbers. Every user string is HTML-escaped before it is displayed.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from .. import i18n
from ..errors import InputError
from ..i18n import t
from ..workbook import example_path, parse_date, read_workbook
from . import xlsx
from .figures import png_bytes
from .tables import TableSpec, html_table

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # how a template's date parameter is written
KEY_JOINT = re.compile(r"(?<=\w)_(?=\w)(?=[^<>]*<)")  # an underscore inside a word of a cell's text


class Report:
    """The report of one step, built cell by cell in a template."""

    def __init__(self, step: str, workbook: str = "", lang: str = "fr", output_dir: str = ""):
        self.step = step
        self.lang = i18n.check_lang(lang)
        self.workbook = read_workbook(workbook or example_path(self.lang), lang=self.lang, step=step)
        self.output_dir = Path(output_dir) if output_dir else None
        self.tables: dict[str, TableSpec] = {}
        self.figure_count = 0
        self.currency = self.workbook.cluster.get("currency") or ""  # written after every amount

    # -- text ------------------------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def heading(self, key: str, level: int = 2, **values) -> None:
        text = html.escape(self.t(key, **_escaped(values)), quote=False)
        display(HTML(f"<h{level}>{text}</h{level}>"))

    def text(self, key: str, **values) -> None:
        """A paragraph from the catalogue; user values are escaped, the catalogue's own markup kept."""
        display(HTML(f"<p>{self.t(key, **_escaped(values))}</p>"))

    def number(self, value, decimals: int = 1) -> str:
        return i18n.number(value, self.lang, decimals)

    def percent(self, value, decimals: int = 0) -> str:
        return i18n.percent(value, self.lang, decimals)

    def date_parameter(self, name: str, value) -> pd.Timestamp | None:
        """A date parameter of the template (``YYYY-MM-DD``), None when empty; a message naming the
        parameter and the expected form otherwise."""
        if value in ("", None):
            return None
        try:
            if not ISO_DATE.fullmatch(str(value)):  # a parameter has one form, whatever the language
                raise ValueError(value)
            return parse_date(value).normalize()
        except (ValueError, OverflowError):
            raise InputError(self.t("report.bad_date", name=name, value=value)) from None

    # -- tables ----------------------------------------------------------------------------
    def table(
        self,
        name: str,
        frame: pd.DataFrame,
        enums: dict[str, str] | None = None,
        percent: tuple[str, ...] = (),
        decimals: int = 1,
        caption: str | None = None,
        by: str | None = None,
    ) -> None:
        """Show ``frame`` with localised headers and values, and keep it for the tables workbook.

        ``enums`` maps columns holding enumeration keys to their enumeration; ``percent`` lists
        columns holding shares. The kept table is written with localised headers and full-precision values.
        With ``by``, a column of already readable group names (rows of a group together), each group's
        rows come under a row naming it, without that column (a long reference list no longer repeats
        it on every row); the tables workbook keeps the column.
        """
        spec = self.keep(name, frame, enums, percent, decimals)
        title = html.escape(caption or self.t(f"table.{name}"))
        groups, grouped = None, ""
        if by is not None:
            spec = replace(spec, frame=frame.drop(columns=by))
            groups, grouped = list(frame[by]), " ck-grouped"
        body = KEY_JOINT.sub(
            "_<wbr>", html_table(spec, self.lang, groups)
        )  # a key (firms_reached) may wrap after its underscores
        # a table wider than the page scrolls in its frame, which the keyboard reaches and names
        wrap = f'<div class="ck-table-wrap{grouped}" tabindex="0" role="region" aria-label="{title}">'
        display(HTML(f'{wrap}<p class="ck-caption">{title}</p>{body}</div>'))

    def keep(
        self,
        name: str,
        frame: pd.DataFrame,
        enums: dict[str, str] | None = None,
        percent: tuple[str, ...] = (),
        decimals: int = 1,
    ) -> TableSpec:
        """Keep ``frame`` for the tables workbook only: the full detail a report shows in short."""
        spec = TableSpec(name, frame, enums or {}, tuple(percent), decimals, self.currency)
        self.tables[self.t(f"table.{name}")] = spec
        return spec

    # -- figures ---------------------------------------------------------------------------
    def figure(self, fig, alt: str, caption: str | None = None) -> None:
        """Show a matplotlib figure as an image with alternative text (and save it when writing)."""
        self.figure_count += 1
        data = png_bytes(fig, self.lang)
        plt.close(fig)
        if self.output_dir is not None:
            (self.output_dir / f"{self.step}-figure-{self.figure_count}.png").write_bytes(data)
        encoded = base64.b64encode(data).decode("ascii")
        caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        display(
            HTML(
                f'<figure class="ck-figure"><img src="data:image/png;base64,{encoded}" '
                f'alt="{html.escape(alt)}" style="max-width:100%">{caption_html}</figure>'
            )
        )

    # -- output ----------------------------------------------------------------------------
    def save(self) -> None:
        """Write the tables workbook when the run has an output folder (nothing shown in the report)."""
        if self.output_dir is not None:
            xlsx.write_tables(
                self.tables,
                self.output_dir / f"{self.step}-tables.xlsx",
                self.lang,
                self.workbook.cluster.get("currency"),
            )


def _escaped(values: dict) -> dict:
    return {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in values.items()}
