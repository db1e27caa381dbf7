"""The one language of a command, for its messages and its reports: ``--lang``, else
``CLUSTERKIT_LANG``, else the workbook's own ``language``, else French. Light on purpose: the
command line builds its help with it before anything heavy is imported."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .. import i18n
from ..errors import InputError
from ..i18n import t

if TYPE_CHECKING:
    from ..workbook import Workbook

LANG_VARIABLE = "CLUSTERKIT_LANG"


def user_lang(option: str | None = None) -> str | None:
    """The language the user asked for: ``--lang``, else ``CLUSTERKIT_LANG``; None when neither says."""
    chosen = option or os.environ.get(LANG_VARIABLE)
    if not chosen:
        return None
    if str(chosen).strip().lower() not in i18n.LANGUAGES:
        raise InputError(
            "\n".join(t("cli.bad_lang", lang, value=chosen, variable=LANG_VARIABLE) for lang in i18n.LANGUAGES)
        )
    return i18n.check_lang(chosen)


def resolve_lang(option: str | None = None, workbook: Workbook | None = None) -> str:
    """The one language of a command, for its messages and its reports: ``--lang``, else
    ``CLUSTERKIT_LANG``, else the workbook's own ``language``, else French."""
    return user_lang(option) or (workbook.lang if workbook is not None else i18n.DEFAULT_LANG)
