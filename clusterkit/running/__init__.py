"""One execution path for the templates: the edge of a command (language, output folder, the
workbook read once), the templates, warm kernels, :func:`~clusterkit.running.run.run` (a pack of
one step), the pack with its reproducible outputs, and the batch."""
