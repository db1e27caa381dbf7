"""Step 5, monitoring and evaluation, in four parts: the indicator catalogue (:mod:`.catalogue`),
the analysis (:mod:`.analysis`, and :mod:`.evaluation` for extension, efficiency and
sustainability), its figures (:mod:`.figures`), the indicator reference sheets as
tables (:mod:`.sheets`), and the battery edit of ``indicators add`` (:mod:`.battery`).

``from clusterkit.steps import monitoring`` gives every public name of the parts.
"""
from .analysis import (
    ASSESSED,
    AT_RISK_BELOW,
    DIAGNOSTIC_ORIGIN,
    DIMENSIONS,
    ENUM_OF,
    LEVEL_STAGE,
    OBJECTIVES,
    OFF_TRACK_BELOW,
    STAGES,
    STATUS_COLOURS,
    STATUSES,
    WORKBOOK_ORIGIN,
    Assessment,
    assess,
    baseline_origins,
    current_values,
    disaggregation,
    effectiveness,
    evaluation_summary,
    expected_progress,
    fill_baselines,
    labels,
    origin_counts,
    origin_label,
    progress_by,
    progress_table,
    progress_view,
    results_chain,
    women_share,
    workbook_baseline,
)
from .battery import add_battery, add_battery_message
from .catalogue import (
    REACH_KINDS,
    UNIT_KINDS,
    battery_rows,
    catalogue,
    catalogue_entries,
    catalogue_lists,
    catalogue_table,
    default_batteries,
    indicator_names,
    is_women_group,
    reach_kind,
    unit_kind,
)
from .evaluation import (
    community_size,
    efficiency,
    extension,
    extension_notes,
    local_contribution,
    relations_by_round,
    spending,
)
from .figures import (
    ACTION_COLOUR,
    CHAIN_PAGE_HEIGHT,
    TREND_PANEL_LIMIT,
    TREND_PANELS,
    progress_figure,
    results_chain_figures,
    trend_approximations,
    trend_figures,
    trend_indicators,
)
from .sheets import (
    FIELD_ENUMS,
    MEASUREMENT_COLUMNS,
    SHEET_FIELDS,
    SUMMARY_COLUMNS,
    IndicatorSheet,
    field_text,
    indicator_sheets,
)

__all__ = [
    "ACTION_COLOUR", "ASSESSED", "AT_RISK_BELOW", "Assessment", "CHAIN_PAGE_HEIGHT", "DIAGNOSTIC_ORIGIN",
    "DIMENSIONS", "ENUM_OF", "FIELD_ENUMS", "IndicatorSheet", "LEVEL_STAGE", "MEASUREMENT_COLUMNS", "OBJECTIVES",
    "OFF_TRACK_BELOW", "REACH_KINDS", "SHEET_FIELDS", "STAGES", "STATUSES", "STATUS_COLOURS", "SUMMARY_COLUMNS",
    "TREND_PANEL_LIMIT", "TREND_PANELS", "UNIT_KINDS", "WORKBOOK_ORIGIN", "add_battery", "add_battery_message", "assess",
    "baseline_origins", "battery_rows", "catalogue", "catalogue_entries", "catalogue_lists", "catalogue_table",
    "community_size", "current_values", "default_batteries", "disaggregation",
    "effectiveness", "efficiency", "evaluation_summary", "expected_progress", "extension",
    "extension_notes", "field_text", "fill_baselines", "indicator_names", "indicator_sheets", "is_women_group",
    "labels", "local_contribution", "origin_counts", "origin_label", "progress_by", "progress_figure",
    "progress_table", "progress_view", "reach_kind", "relations_by_round", "results_chain",
    "results_chain_figures", "spending", "trend_approximations", "trend_figures", "trend_indicators", "unit_kind",
    "women_share", "workbook_baseline"
]
