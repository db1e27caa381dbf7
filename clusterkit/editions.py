"""The book's two editions, French and English, built into one site.

The French edition is described by the top-level ``_config.yml`` and ``_toc.yml``. The English
edition is derived from them — same table of contents with ``book/en`` for ``book/fr``, captions
and title from the message catalogue, ``language: en`` — so the two cannot drift apart in shape.
Each edition is a separate Jupyter Book build (Sphinx's interface strings follow one language per
build); a landing page at the top of the site lets the reader choose.

    python -m clusterkit.editions [--out _build/html] [--only fr|en]
"""
from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import i18n
from .i18n import t

EDITIONS = ("fr", "en")


def _caption_key(caption: str) -> str:
    """The catalogue key whose French text is this caption (``toc.*``)."""
    for key, entry in i18n.catalogue().items():
        if key.startswith("toc.") and entry["fr"] == caption:
            return key
    raise KeyError(f"no catalogue entry toc.* for the caption {caption!r}")


def _translate_toc(node, lang: str):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "caption":
                out[key] = t(_caption_key(value), lang)
            elif key in ("file", "root"):
                out[key] = value.replace("book/fr/", f"book/{lang}/").replace("_generated/fr/", f"_generated/{lang}/")
            else:
                out[key] = _translate_toc(value, lang)
        return out
    if isinstance(node, list):
        return [_translate_toc(item, lang) for item in node]
    return node


def toc_files(toc: dict) -> list[str]:
    """Every document of a table of contents, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root"):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def edition_sources(root: Path, lang: str, work: Path) -> tuple[Path, Path]:
    """The config and toc files of one edition (the English ones are written into ``work``)."""
    config, toc = root / "_config.yml", root / "_toc.yml"
    if lang == "fr":
        return config, toc
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["title"] = t("book.title", lang)
    settings["author"] = t("book.author", lang)
    settings["sphinx"]["config"]["language"] = lang
    # local extensions are found relative to the config file, which lives elsewhere here
    settings["sphinx"]["local_extensions"] = {name: str(root / path)
                                              for name, path in settings["sphinx"]["local_extensions"].items()}
    other = [p for p in settings["exclude_patterns"] if "/en/" not in p]
    settings["exclude_patterns"] = other + ["book/fr/**", "book/_generated/fr/**"]
    contents = _translate_toc(yaml.safe_load(toc.read_text(encoding="utf-8")), lang)
    work.mkdir(parents=True, exist_ok=True)
    (work / "_config.yml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (work / "_toc.yml").write_text(yaml.safe_dump(contents, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return work / "_config.yml", work / "_toc.yml"


def landing_page() -> str:
    """The site's entry page: the same invitation in both languages, and the two editions."""
    links = "\n".join(
        f'<li><a href="{lang}/book/{lang}/index.html" hreflang="{lang}" lang="{lang}">'
        f"{html.escape(t('book.edition', lang))}</a></li>" for lang in EDITIONS)
    intro = " / ".join(html.escape(t("book.choose", lang)) for lang in EDITIONS)
    title = html.escape(t("book.title", "fr"))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="fr/_static/favicon.svg">
<style>body{{font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em;line-height:1.5}}
li{{font-size:1.3em;margin:.5em 0}}</style></head>
<body><h1>{title}</h1><p>{intro}</p><ul>
{links}
</ul></body></html>
"""


def build(root: Path, out: Path, only: str | None = None) -> list[Path]:
    """Build the editions (warnings as errors) into ``out/<lang>/`` and write the landing page."""
    root, out = Path(root).resolve(), Path(out).resolve()
    built = []
    for lang in EDITIONS if only is None else (only,):
        config, toc = edition_sources(root, lang, root / "_build" / "editions" / lang)
        target = root / "_build" / "editions" / f"{lang}-output"
        # through the interpreter: a venv need not have the jupyter-book launcher next to it
        command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
                   "build", str(root), "--config", str(config), "--toc", str(toc), "--path-output", str(target),
                   "-W", "-n", "--keep-going"]
        subprocess.run(command, check=True)
        destination = out / lang
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(target / "_build" / "html", destination)
        # the download button serves _sources/: give readers the executed notebooks, outputs included
        executed = target / "_build" / "jupyter_execute"
        for notebook in executed.rglob("*.ipynb"):
            download = destination / "_sources" / notebook.relative_to(executed)
            if download.exists():
                shutil.copyfile(notebook, download)
        built.append(destination)
    (out / "index.html").write_text(landing_page(), encoding="utf-8")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clusterkit.editions", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="the repository (where _config.yml and _toc.yml are)")
    parser.add_argument("--out", default="_build/html", help="where the site is written")
    parser.add_argument("--only", choices=EDITIONS, default=None, help="build one edition only")
    args = parser.parse_args(argv)
    try:
        build(Path(args.root), Path(args.out), args.only)
    except subprocess.CalledProcessError as error:
        print(f"book build failed ({error.returncode}); see the messages above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
