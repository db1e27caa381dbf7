"""The programme's view: many clusters side by side, each at its own step.

Every figure of a cluster comes from the step modules' own functions run on its workbook
(:func:`clusterkit.steps.monitoring.assess`, :func:`clusterkit.steps.implementation.headline`,
:func:`clusterkit.steps.competency.scores`, :func:`clusterkit.steps.diagnostic.poorest_groups`): the
portfolio only places them in one table. A cluster that has not reached a step shows no figure
for it (a dash), never a zero. Programme totals are given only for counts (firms, people,
actions, indicators) and, when every cluster uses the same currency, for amounts; shares,
medians of progress and competency scores are not added up across clusters (the page says so).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import i18n
from .documents.tables import NUMBER_KINDS, TableSpec, cell_text, missing
from .documents.xlsx import write_tables
from .i18n import t
from .running.batch import workbooks_in
from .running.outputs import pack_date
from .running.pack import steps_present
from .schema import ENUMS, STEPS
from .steps import competency, diagnostic, implementation, monitoring
from .workbook import Workbook, WorkbookError, read_workbook

HTML_NAME = "portfolio.html"
XLSX_NAME = "portfolio.xlsx"
PDF_NAME = "portfolio.pdf"
DIMENSIONS = monitoring.DIMENSIONS
METHOD_STEPS = tuple(s for s in STEPS if s != "competency")  # competency runs alongside the steps
# How each column of the cluster table reads; only counts (and amounts in one currency) add up.
KINDS = {
    "cluster": "text",
    "step": "step",
    "year": "count",
    "status_date": "date",
    "actions": "count",
    "actions_done": "count",
    "done_share": "share",
    "budget": "amount",
    "spent": "amount",
    "spent_share": "share",
    "currency": "text",
    "indicators": "count",
    "on_course": "count",
    "at_risk": "count",
    "off_track": "count",
    "not_assessed": "count",
    "expected_progress": "share",
    **{f"progress_{d}": "share" for d in DIMENSIONS},
    "firms_reached": "count",
    "people_reached": "count",
    "women_reached": "count",
    "poorest_strata": "text",
    "poorest_firms": "count",
}
ADDITIVE = ("count", "amount")
NOT_ADDED = ("year",)  # a count, but the programme has no "sum of years"


@dataclass(frozen=True)
class PortfolioResult:
    clusters: pd.DataFrame  # one row per cluster read, columns of KINDS
    competencies: pd.DataFrame  # cluster, person, one column per competency (others' mean), self_gap
    totals: pd.DataFrame  # figure, value: the programme's sums of additive figures
    unread: pd.DataFrame  # file, reason: workbooks that could not be read
    files: tuple[Path, ...]


def cluster_step(wb: Workbook) -> str:
    """The furthest step of the method the workbook feeds (its sheets filled)."""
    present = [s for s in steps_present(wb) if s in METHOD_STEPS]
    return present[-1] if present else "selection"


def programme_year(start, status_date) -> float:
    """The year of support the cluster is in at its status date (1 in its first twelve months)."""
    if pd.isna(start) or pd.isna(status_date):
        return np.nan
    return float((pd.Timestamp(status_date) - pd.Timestamp(start)).days // 365.25 + 1)


def cluster_figures(wb: Workbook) -> dict:
    """One cluster's row: its step, then what each step it has reached computes."""
    row = dict.fromkeys(KINDS, np.nan)
    status_date = wb.cluster.get("status_date")
    row.update(
        cluster=wb.name,
        step=cluster_step(wb),
        status_date=status_date,
        currency=wb.cluster.get("currency"),
        year=programme_year(wb.cluster.get("start_date"), status_date),
    )
    if wb.has("enterprises"):
        poorest = diagnostic.poorest_groups(wb["enterprises"])
        row.update(poorest_strata=", ".join(poorest["strata"]), poorest_firms=poorest["firms"])
    if wb.has("actions"):
        actions = wb["actions"]
        head = implementation.follow_up_headline(actions, implementation.as_of_date(actions, status_date or ""))
        row.update(
            actions=head["actions"],
            actions_done=head["done"],
            done_share=head["done"] / head["actions"],
            budget=head["budget"],
            spent=head["spent"],
            spent_share=head["spent_share"],
        )
    if wb.has("indicators") and wb.has("measurements"):
        m = monitoring.assess(wb, monitoring.workbook_baseline(wb))
        status = m.table["progress_status"]
        by_dimension = m.by_dimension.set_index("dimension")
        row.update(
            indicators=len(m.table),
            on_course=int(status.isin(["achieved", "on_track"]).sum()),
            at_risk=int((status == "at_risk").sum()),
            off_track=int((status == "off_track").sum()),
            not_assessed=int((~status.isin(monitoring.ASSESSED)).sum()),
            expected_progress=float(by_dimension["median_expected"].median()),
            **{f"progress_{d}": by_dimension["median_progress"].get(d, np.nan) for d in DIMENSIONS},
        )
        reach = m.summary[m.summary["section"] == "extension"]
        for key, values in zip(reach["key"], reach["values"]):
            kind = key.rsplit(".", 1)[1]
            if kind in ("firms", "people"):
                row[f"{kind}_reached"] = values["value"]
                if kind == "people":  # women among the people the same indicator counts, when disaggregated
                    women = m.women.set_index("indicator_id")["women"]
                    row["women_reached"] = women.get(values["indicator_ids"][0], np.nan)
    return row


def competency_profiles(wb: Workbook) -> pd.DataFrame:
    """Each assessed person's latest scores by competency (peers and trainers), and self-gap."""
    if not wb.has("competencies"):
        return pd.DataFrame()
    scores = competency.scores(competency.latest(wb["competencies"]), by="competency")
    table = scores.pivot(index="person", columns="competency", values="others")
    table = table.reindex(columns=[c for c in ENUMS["competency"] if c in table.columns])
    table["self_gap"] = scores.groupby("person")["self_gap"].mean()
    return table.reset_index().assign(cluster=wb.name)


def programme_totals(clusters: pd.DataFrame) -> pd.DataFrame:
    """The sum over clusters of each additive figure (missing figures left out, not counted as 0);
    amounts only when every cluster with an amount uses the same currency."""
    currencies = set(clusters.loc[clusters["budget"].notna(), "currency"].dropna())
    rows = []
    for column, kind in KINDS.items():
        if kind not in ADDITIVE or column in NOT_ADDED or (kind == "amount" and len(currencies) > 1):
            continue
        known = clusters[column].dropna()
        rows.append({"figure": column, "value": float(known.sum()) if len(known) else np.nan, "clusters": len(known)})
    return pd.DataFrame(rows, columns=["figure", "value", "clusters"])


def read_portfolio(folder, lang: str = "fr") -> tuple[list[Workbook], pd.DataFrame]:
    """The workbooks of ``folder`` that read, and the file and first problem (in ``lang``) of the others."""
    found, unread = [], []
    for path in workbooks_in(Path(folder)):
        try:
            found.append(read_workbook(path))
        except WorkbookError as error:
            unread.append({"file": path.name, "reason": error.problems[0].message(lang)})
    return found, pd.DataFrame(unread, columns=["file", "reason"])


def portfolio(folder, out_dir, lang: str = "fr", pdf: bool = False) -> PortfolioResult:
    """Compare the clusters of ``folder`` and write ``portfolio.html`` and ``portfolio.xlsx``
    (and ``portfolio.pdf``) into ``out_dir``."""
    from .errors import InputError
    from .running.edge import workbooks_folder

    lang = i18n.check_lang(lang)
    folder = workbooks_folder(folder, lang)
    workbooks, unread = read_portfolio(folder, lang)
    if not workbooks:
        raise InputError(t("portfolio.empty", lang, path=folder))
    clusters = pd.DataFrame([cluster_figures(wb) for wb in workbooks], columns=list(KINDS))
    profiles = [competency_profiles(wb) for wb in workbooks]
    profiles = (
        pd.concat([p for p in profiles if len(p)], ignore_index=True)
        if any(len(p) for p in profiles)
        else pd.DataFrame(columns=["cluster", "person"])
    )
    profiles = profiles[["cluster", *[c for c in profiles.columns if c != "cluster"]]]
    totals = programme_totals(clusters)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = [write_tables(_xlsx_tables(clusters, profiles, totals, unread, lang), out / XLSX_NAME, lang)]
    page = out / HTML_NAME
    page.write_text(page_html(clusters, profiles, totals, unread, lang), encoding="utf-8")
    files.append(page)
    if pdf:
        from .documents.pdf import html_to_pdf

        files += html_to_pdf([(page, out / PDF_NAME)], t("portfolio.title", lang), lang, pack_date())
    return PortfolioResult(clusters, profiles, totals, unread, tuple(files))


# --------------------------------------------------------------------------------------------
# Presentation
# --------------------------------------------------------------------------------------------
def _header(column: str, lang: str) -> str:
    if column in ENUMS["competency"]:
        return t(f"enum.competency.{column}", lang)
    return t(f"portfolio.col.{column}", lang)


def _shown(value, kind: str, lang: str, currency: str) -> str:
    """A cell as the reports write a value of its kind (a mean competency score with one decimal)."""
    if kind == "step" and not missing(value):
        return t(f"step.{value}.title", lang)
    if kind == "date" and not missing(value):
        value = pd.Timestamp(value)
    return cell_text(value, {"score": "number", "step": "text"}.get(kind, kind), lang, currency, decimals=1)


def _table(frame: pd.DataFrame, kinds: dict[str, str], lang: str, currencies=None) -> str:
    """An HTML table; amounts in each row's currency (``currencies``, else the column ``currency``)."""
    e = html.escape
    if currencies is None:
        currencies = frame["currency"] if "currency" in frame else [""] * len(frame)
    classes = ["ck-num" if kinds.get(c, "score") in (*NUMBER_KINDS, "score") else "ck-text" for c in frame.columns]
    head = "".join(f'<th class="{k}">{e(_header(c, lang))}</th>' for k, c in zip(classes, frame.columns))
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{k}">{e(_shown(v, kinds.get(c, "score"), lang, currency))}</td>'
            for k, c, v in zip(classes, frame.columns, record)
        )
        + "</tr>\n"
        for record, currency in zip(frame.itertuples(index=False), currencies)
    )
    return f"<table>\n<tr>{head}</tr>\n{body}</table>\n"


SECTIONS = {  # the cluster table's columns, shown in four smaller tables
    "steps": ("cluster", "step", "year", "status_date"),
    "schedule": (
        "cluster",
        "indicators",
        "on_course",
        "at_risk",
        "off_track",
        "not_assessed",
        "expected_progress",
        *(f"progress_{d}" for d in DIMENSIONS),
    ),
    "spending": ("cluster", "actions", "actions_done", "done_share", "budget", "spent", "spent_share", "currency"),
    "reach": ("cluster", "firms_reached", "people_reached", "women_reached", "poorest_strata", "poorest_firms"),
}

_STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.2rem;font-size:.92rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}th{background:#f3f3f3}
th.ck-num,td.ck-num{text-align:right}
.ck-note{color:#444;font-size:.92rem}"""


def page_html(
    clusters: pd.DataFrame, profiles: pd.DataFrame, totals: pd.DataFrame, unread: pd.DataFrame, lang: str
) -> str:
    """The programme's page; every value escaped."""
    e = html.escape
    title = t("portfolio.title", lang)
    parts = [
        (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>{e(title)}</h1>\n"
            f"<p>{e(t('portfolio.intro', lang, count=len(clusters)))}</p>\n"
        )
    ]
    for section, columns in SECTIONS.items():
        parts.append(
            f"<h2>{e(t(f'portfolio.section.{section}', lang))}</h2>\n"
            f'<p class="ck-note">{e(t(f"portfolio.note.{section}", lang))}</p>\n'
        )
        parts.append(_table(clusters[list(columns)], KINDS, lang))
    parts.append(
        f"<h2>{e(t('portfolio.section.competency', lang))}</h2>\n"
        f'<p class="ck-note">{e(t("portfolio.note.competency", lang))}</p>\n'
    )
    parts.append(_table(profiles, {"cluster": "text", "person": "text"}, lang))
    parts.append(
        f"<h2>{e(t('portfolio.section.programme', lang))}</h2>\n"
        f'<p class="ck-note">{e(t("portfolio.note.programme", lang))}</p>\n'
    )
    shown = totals.assign(figure=totals["figure"].map(lambda c: _header(c, lang)))
    currency = next(iter(set(clusters["currency"].dropna())), "")  # amounts add up only in one currency
    parts.append(
        _table(
            shown,
            {"figure": "text", "value": "amount", "clusters": "count"},
            lang,
            [currency if KINDS[f] == "amount" else "" for f in totals["figure"]],
        )
    )
    if len(unread):
        parts.append(f"<h2>{e(t('portfolio.section.unread', lang))}</h2>\n")
        parts.append(_table(unread, {"file": "text", "reason": "text"}, lang))
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _xlsx_tables(clusters, profiles, totals, unread, lang) -> dict[str, TableSpec | pd.DataFrame]:
    """The same tables for the spreadsheet, full precision, headers in ``lang``; shares as
    percentages and amounts in the currency when every cluster with an amount uses the same one."""
    named = clusters.assign(step=clusters["step"].map(lambda s: t(f"step.{s}.title", lang)))
    currencies = set(clusters.loc[clusters["budget"].notna(), "currency"].dropna())

    def spec(name: str, frame: pd.DataFrame, decimals: int = 0) -> TableSpec:
        shares = tuple(c for c in frame.columns if KINDS.get(c) == "share")
        headers = {c: _header(c, lang) for c in frame.columns}
        one = next(iter(currencies)) if len(currencies) == 1 else ""
        return TableSpec(name, frame, percent=shares, decimals=decimals, currency=one, headers=headers)

    tables = {
        t("portfolio.section.clusters", lang): spec("portfolio_clusters", named),
        t("portfolio.section.competency", lang): spec("portfolio_competency", profiles, decimals=1),
        t("portfolio.section.programme", lang): totals.assign(
            figure=totals["figure"].map(lambda c: _header(c, lang))
        ).rename(columns=lambda c: _header(c, lang)),
    }
    if len(unread):
        tables[t("portfolio.section.unread", lang)] = unread.rename(columns=lambda c: _header(c, lang))
    return tables
