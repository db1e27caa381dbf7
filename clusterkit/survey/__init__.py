"""The field survey: an XLSForm for KoboToolbox or ODK (:mod:`.xlsform`), the reading of its
exports (:mod:`.exports`) and their import into the team workbook (:mod:`.importing`)."""

from .exports import SkippedSubmission, export_error, export_sheets
from .importing import ImportedRow, ImportReport, import_export, relation_label
from .xlsform import FORM_ID, UUID_COLUMN, choice_rows, enterprise_xlsform, survey_rows

__all__ = [
    "FORM_ID",
    "UUID_COLUMN",
    "ImportReport",
    "ImportedRow",
    "SkippedSubmission",
    "choice_rows",
    "enterprise_xlsform",
    "export_error",
    "export_sheets",
    "import_export",
    "relation_label",
    "survey_rows",
]
