"""One execution path for the templates: the edge of a command (language, output folder, the
workbook read once), the templates, warm kernels, :func:`~clusterkit.running.run.run` (a pack of
one step), the pack with its reproducible outputs, and the batch."""

import sys

# jsonschema, which nbformat imports, compiles rfc3987-syntax's grammar when that optional package is
# installed (about a second of CPU in every run) for an IRI format check notebooks never use: the
# running layer does without it. jsonschema skips the check when the import fails.
sys.modules.setdefault("rfc3987_syntax", None)
