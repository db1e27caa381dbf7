"""The method's five steps as pure modules: DataFrames in; tables, figures and message keys out.

No file is read or written here and no report is drawn: the workbook layer reads, the documents
layer renders. Import a step as ``from clusterkit.steps import selection``.
"""
