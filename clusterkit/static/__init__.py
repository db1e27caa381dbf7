"""Static files of the kit: the house style of the reports (``report.css``)."""

from importlib import resources


def house_style() -> str:
    """The reports' stylesheet, ``report.css``: inlined in each HTML report, added to each printed page."""
    return resources.files(__name__).joinpath("report.css").read_text(encoding="utf-8")
