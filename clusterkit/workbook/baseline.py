"""The diagnostic's baseline table as a file a team hands to step 5: CSV or XLSX with the columns
key, value, unit, date, source (the diagnostic writes it; monitoring reads it back)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..i18n import t
from .cells import cell_text, normalise, parse_date, parse_number

BASELINE_COLUMNS = ("key", "value", "unit", "date", "source")


def read_baseline(path, lang: str = "fr") -> pd.DataFrame | None:
    """The diagnostic's baseline table (CSV or XLSX with columns key, value, unit, date, source);
    None when ``path`` is empty. Values and dates are read like the workbook's own cells."""
    if not path:
        return None
    path = Path(path)
    if not path.is_file():
        raise ValueError(t("monitoring.baseline.missing_file", lang, path=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = pd.read_excel(path, dtype=object)
    else:
        raw = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    raw.columns = [normalise(c) for c in raw.columns]
    missing = [c for c in ("key", "value") if c not in raw.columns]
    if missing:
        raise ValueError(t("monitoring.baseline.columns", lang, path=path.name, columns=", ".join(BASELINE_COLUMNS)))
    raw = raw.reindex(columns=list(BASELINE_COLUMNS)).dropna(subset=["key"])
    bad = []

    def read(cell, parse, row):
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or str(cell).strip() == "":
            return None
        try:
            return parse(cell)
        except (ValueError, TypeError):
            bad.append(str(row))
            return None

    values = [read(v, parse_number, k) for v, k in zip(raw["value"], raw["key"])]
    dates = [read(v, parse_date, k) for v, k in zip(raw["date"], raw["key"])]
    if bad:
        raise ValueError(t("monitoring.baseline.bad_values", lang, path=path.name, keys=", ".join(bad)))
    return pd.DataFrame({
        "key": raw["key"].map(cell_text).astype("str"),
        "value": pd.Series(values, dtype="float64"),
        "unit": raw["unit"].astype("str"),
        "date": pd.to_datetime(pd.Series(dates, dtype="object")).astype("datetime64[ns]"),
        "source": raw["source"].astype("str"),
    })


