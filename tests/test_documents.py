"""The documents layer: figures name both their axes, the report leaves matplotlib's global settings
alone and draws at the house resolution, and the version is the installed distribution's."""

import json
import subprocess
import sys
from importlib import metadata

import pandas as pd
import pytest
from PIL import Image

import clusterkit
from clusterkit.documents import figures

TABLE = pd.DataFrame({"fund": [3.0, 1.0], "local": [1.0, 2.0]})


@pytest.mark.parametrize("horizontal", [True, False])
def test_stacked_bars_name_the_axis_of_the_categories_and_the_axis_of_the_values(horizontal):
    fig = figures.stacked_bars(
        TABLE,
        ["2027", "2028"],
        {"fund": "Fund", "local": "Local"},
        xlabel="Year",
        ylabel="Budget (EUR)",
        horizontal=horizontal,
    )
    ax = fig.axes[0]
    categories, values = (ax.get_ylabel(), ax.get_xlabel()) if horizontal else (ax.get_xlabel(), ax.get_ylabel())
    assert (categories, values) == ("Year", "Budget (EUR)")
    ticks = [tick.get_text() for tick in (ax.get_yticklabels() if horizontal else ax.get_xticklabels())]
    assert ticks == ["2027", "2028"]
    assert [p.get_width() if horizontal else p.get_height() for p in ax.patches] == [3.0, 1.0, 1.0, 2.0]


def test_a_report_changes_no_global_setting_and_draws_its_figures_at_150_dpi(tmp_path):
    code = f"""
import json, matplotlib
before = (matplotlib.get_backend(), dict(matplotlib.rcParams))
import matplotlib.pyplot as plt
from unittest import mock
with mock.patch("clusterkit.documents.report.display"):
    from clusterkit.documents.report import Report
    report = Report("plan", lang="en", output_dir={str(tmp_path)!r})
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([1, 2], [3, 4])
    report.figure(fig, alt="a line")
after = (matplotlib.get_backend(), dict(matplotlib.rcParams))
print(json.dumps([k for k in before[1] if before[1][k] != after[1][k]] + [before[0] == after[0]]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True]  # no setting changed, same backend
    with Image.open(tmp_path / "plan-figure-1.png") as image:
        assert round(image.info["dpi"][0]) == figures.FIGURE_DPI
        assert 500 < image.width <= 4 * figures.FIGURE_DPI  # 4 inches at 150 dpi, trimmed to the drawing


def test_the_version_is_the_installed_distribution_s():
    assert clusterkit.__version__ == metadata.version("clusterkit")
