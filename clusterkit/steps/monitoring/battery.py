"""``clusterkit indicators add``: a catalogue battery appended to the team workbook's
``indicators`` sheet, through the workbook editor (one header location, one backup, one
formula-injection guard)."""

from __future__ import annotations

from ... import i18n
from ...i18n import t
from ...workbook import WorkbookEditor, backup_path, cell_text
from .catalogue import battery_rows


def add_battery(workbook_path, battery: str, lang: str | None = None) -> tuple[list[str], list[str]]:
    """Append a catalogue battery to the ``indicators`` sheet of a team workbook (.xlsx).

    Rows already there are never touched: a catalogue indicator whose key is already a row's
    ``catalogue_key`` or ``indicator_id`` is kept out. New rows go under the existing header, in
    the header's language (names, units and sources in ``lang``, by default that language too);
    a missing ``catalogue_key`` column is added at the end of the header. The workbook is
    checked first: blank required cells are allowed (the rows added leave their targets for the
    team to fill), any other problem (a missing file, one that is not .xlsx) raises
    :class:`~clusterkit.workbook.WorkbookError`, an unknown battery :class:`~clusterkit.errors.InputError`. The
    previous file is copied to ``<name>.bak.xlsx`` and the workbook is written atomically.
    Returns the catalogue keys added and those kept out.
    """
    message_lang = i18n.check_lang(lang)
    edit = WorkbookEditor(workbook_path, message_lang, allow=frozenset({"value_required"}))
    sheet = edit.sheet("indicators", message_lang)
    known = {
        cell_text(v) for key in ("indicator_id", "catalogue_key") for v in sheet.values(key) if v not in (None, "")
    }
    rows = battery_rows(battery, i18n.check_lang(lang or sheet.lang))
    present = rows["catalogue_key"].isin(known) | rows["indicator_id"].isin(known)
    kept, new = list(rows.loc[present, "catalogue_key"]), rows[~present]
    if new.empty:
        return [], kept
    for record in new.to_dict("records"):
        sheet.append(record)
    edit.save()
    return list(new["catalogue_key"]), kept


def add_battery_message(added: list[str], kept: list[str], workbook_path, lang: str = "fr") -> str:
    """What ``clusterkit indicators add`` tells the user after :func:`add_battery`."""
    if not added:
        return t("monitoring.add.nothing", lang, kept=len(kept))
    return "\n".join(
        [
            t("monitoring.add.done", lang, added=len(added), kept=len(kept), backup=backup_path(workbook_path)),
            t("monitoring.add.next", lang),
        ]
    )
