"""The edge of a command: its output folder, and the workbook read and checked once, before
anything else happens, so that a bad workbook reaches the user as the clear message of
:mod:`clusterkit.workbook`, never as a notebook traceback (its language: :mod:`.language`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..i18n import t
from .language import resolve_lang, user_lang

if TYPE_CHECKING:
    from ..workbook import Workbook


def output_folder(path: str | Path, lang: str) -> Path:
    """``path`` as a folder outputs can be written into, created if missing; else :class:`InputError`
    (an existing file, a folder that cannot be created or is not writable)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(t("out.is_file", lang, path=path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(t("out.cannot_create", lang, path=path, reason=error.strerror or error)) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(t("out.not_writable", lang, path=path))
    return path


def workbooks_folder(path: str | Path, lang: str) -> Path:
    """``path`` as the folder of several teams' workbooks (a batch, a portfolio); else
    :class:`InputError`: missing, or one workbook given where a folder of them is expected."""
    path = Path(path)
    if path.is_file():
        raise InputError(t("portfolio.is_file", lang, path=path))
    if not path.is_dir():
        raise InputError(t("portfolio.no_folder", lang, path=path))
    return path


def open_workbook(
    workbook: str | Path | None, lang: str | None = None, step: str | None = None
) -> tuple[Path, Workbook, str]:
    """The edge of a command: the workbook's path (the packaged example when None), the workbook
    read and checked (for ``step`` when given), and the command's language (:func:`resolve_lang`)."""
    from ..workbook import example_path, read_workbook  # pandas: only once a workbook is read

    source = (Path(workbook) if workbook else example_path(user_lang(lang))).resolve()
    wb = read_workbook(source, lang=user_lang(lang), step=step)
    return source, wb, resolve_lang(lang, wb)
