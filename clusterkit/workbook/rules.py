"""The rules a workbook must keep across rows and sheets: unique ids, references that exist,
criteria that name a column, parts no larger than their whole, dates in order, sub-skills under
their own competency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema import SHEETS, SKILL_COMPETENCY
from .problems import EnumLabels, Problem

if TYPE_CHECKING:
    from .reader import Workbook


def check_rules(wb: Workbook, problems: list[Problem]) -> None:
    """Add to ``problems`` every row of ``wb`` that breaks a rule across rows or sheets."""

    def add(code, key, index, column, value, expected, fix):
        titles = wb.column_titles.get(key, {})
        shown = ", ".join(titles.get(c.strip(), c.strip()) for c in column.split(","))
        problems.append(
            Problem(code, wb.files[key], wb.sheet_titles[key], wb.excel_rows[key][index], shown, value, expected, fix)
        )

    for key, frame in wb.sheets.items():
        sheet = SHEETS[key]
        id_cols = (sheet.id_column,) if sheet.id_column else ()
        for cols in ([id_cols] if id_cols else []) + ([sheet.unique_together] if sheet.unique_together else []):
            keyed = frame[list(cols)].dropna()
            dup = keyed.duplicated(keep=False)
            first_seen: dict = {}
            for index, values in keyed[dup].iterrows():
                ident = tuple(values)
                if ident not in first_seen:
                    first_seen[ident] = wb.excel_rows[key][index]
                    continue
                if len(cols) == 1:
                    add(
                        "id_duplicate",
                        key,
                        index,
                        cols[0],
                        ident[0],
                        ("err.id_duplicate.expected", {"first": first_seen[ident]}),
                        ("err.id_duplicate.fix", {}),
                    )
                else:
                    add(
                        "key_duplicate",
                        key,
                        index,
                        ", ".join(cols),
                        " / ".join(map(str, ident)),
                        ("err.key_duplicate.expected", {"columns": ", ".join(cols), "first": first_seen[ident]}),
                        ("err.key_duplicate.fix", {}),
                    )
        for col in sheet.columns:
            if col.kind != "ref" or col.key not in frame:
                continue
            target_sheet, target_col = col.ref
            used = frame[col.key].dropna()
            if used.empty:
                continue
            known = set(wb.sheets[target_sheet][target_col].dropna()) if target_sheet in wb.sheets else set()
            fix = (
                ("err.ref_unknown.fix", {"sheet": target_sheet})
                if target_sheet in wb.sheets
                else ("err.ref_sheet_missing.fix", {"sheet": target_sheet})
            )
            for index, value in used[~used.isin(known)].items():
                add(
                    "ref_unknown",
                    key,
                    index,
                    col.key,
                    value,
                    ("err.ref_unknown.expected", {"column": target_col, "sheet": target_sheet}),
                    fix,
                )

    if "criteria" in wb.sheets and "candidates" in wb.sheets:
        fixed = {c.key for c in SHEETS["candidates"].columns}
        numeric = [c for c in wb["candidates"].columns if c not in fixed]
        for index, criterion in wb["criteria"]["criterion"].dropna().items():
            if criterion not in numeric:
                add(
                    "criterion_column",
                    "criteria",
                    index,
                    "criterion",
                    criterion,
                    ("err.criterion_column.expected", {"sheet": "candidates", "columns": ", ".join(numeric) or "—"}),
                    ("err.criterion_column.fix", {}),
                )

    if "enterprises" in wb.sheets:
        firms = wb["enterprises"]
        over = firms["employees_women"] > firms["employees"]
        for index in firms.index[over.fillna(False).astype(bool)]:
            add(
                "women_exceed",
                "enterprises",
                index,
                "employees_women",
                firms.at[index, "employees_women"],
                ("err.women_exceed.expected", {"total": firms.at[index, "employees"]}),
                ("err.women_exceed.fix", {}),
            )

    for key, first, last in (("actions", "start", "end"), ("indicators", "baseline_date", "target_date")):
        if key not in wb.sheets:
            continue
        frame = wb[key]
        for index in frame.index[(frame[last] < frame[first]).fillna(False).astype(bool)]:
            add(
                "date_order",
                key,
                index,
                last,
                frame.at[index, last].date(),
                ("err.date_order.expected", {"other": first, "other_value": frame.at[index, first].date()}),
                ("err.date_order.fix", {}),
            )

    if "competencies" in wb.sheets:
        frame = wb["competencies"]
        expected_comp = frame["skill"].map(SKILL_COMPETENCY)
        wrong = frame["competency"].notna() & expected_comp.notna() & (frame["competency"] != expected_comp)
        for index in frame.index[wrong]:
            competency = frame.at[index, "competency"]
            skills = tuple(s for s, c in SKILL_COMPETENCY.items() if c == competency)
            add(
                "skill_competency",
                "competencies",
                index,
                "skill",
                EnumLabels("skill", (frame.at[index, "skill"],)),
                (
                    "err.skill_competency.expected",
                    {"competency": EnumLabels("competency", (competency,)), "skills": EnumLabels("skill", skills)},
                ),
                ("err.skill_competency.fix", {}),
            )
