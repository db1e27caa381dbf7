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
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from . import i18n
from .documents.pdf import PdfError, html_to_pdf
from .i18n import t

EDITIONS = ("fr", "en")
DOWNLOADS = "downloads"  # the whole editions, one file per format, next to the editions' folders
SUFFIXES = {"pdf": ".pdf", "epub": ".epub", "zip": "-site.zip"}
# what the pages load of MathJax (the TeX-to-HTML bundle and its web fonts) and what they never load
MATHJAX_KEPT = ("mathjax/tex-chtml.js", "mathjax/output/chtml/fonts/woff-v2/")
UNLOADED = ("locales/",)
# jupyter-book through this interpreter: a venv need not have the launcher next to it
JUPYTER_BOOK = (sys.executable, "-c", "from jupyter_book.cli.main import main; main()")


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


def download_name(lang: str, kind: str) -> str:
    """Where the whole edition in one format (``pdf``, ``epub``, ``zip``) lives, from the site's top."""
    return f"{DOWNLOADS}/clusterkit-{lang}{SUFFIXES[kind]}"


def landing_page() -> str:
    """The site's entry page: the same invitation in both languages, the two editions and their downloads."""
    def edition(lang):
        downloads = " · ".join(f'<a href="{download_name(lang, kind)}">{html.escape(t(f"book.download.{kind}", lang))}</a>'
                               for kind in SUFFIXES)
        return (f'<li lang="{lang}"><a href="{lang}/book/{lang}/index.html" hreflang="{lang}">'
                f'{html.escape(t("book.edition", lang))}</a><br><span class="downloads">'
                f'{html.escape(t("book.download.title", lang))} {downloads}</span></li>')

    links = "\n".join(edition(lang) for lang in EDITIONS)
    intro = " / ".join(html.escape(t("book.choose", lang)) for lang in EDITIONS)
    title = html.escape(t("book.title", "fr"))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="fr/_static/favicon.svg">
<style>body{{font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em;line-height:1.5;color:#1a1a1a}}
li{{font-size:1.3em;margin:.8em 0}} .downloads{{font-size:.75em}} a{{color:#0a4fb4}}</style></head>
<body><main><h1>{title}</h1><p>{intro}</p><ul>
{links}
</ul></main></body></html>
"""


def _sphinx(root: Path, config: Path, toc: Path, target: Path, builder: str) -> None:
    """One Jupyter Book build; the notebooks' execution cache in ``target`` serves every builder."""
    choice = ["--builder", builder] if builder in ("html", "singlehtml") else ["--builder", "custom",
                                                                             "--custom-builder", builder]
    # written whole each time (the executed notebooks stay cached): Sphinx would keep pages
    # written before a change of the extensions, stylesheets or scripts
    shutil.rmtree(target / "_build" / builder, ignore_errors=True)
    command = [*JUPYTER_BOOK, "build", str(root), "--config", str(config), "--toc", str(toc),
               "--path-output", str(target), *choice, "-W", "-n", "--keep-going"]
    subprocess.run(command, check=True)


def prune(site: Path) -> None:
    """Remove from an edition's site what its pages never load (other MathJax bundles and fonts,
    source maps, the theme's translation catalogues), so that the offline download stays light."""
    static = site / "_static"
    for path in sorted(static.rglob("*"), reverse=True):  # files before their folders
        name = path.relative_to(static).as_posix()
        unused = (name.startswith("mathjax/") and not name.startswith(MATHJAX_KEPT)) or name.endswith(".map") \
            or name.startswith(UNLOADED)
        if path.is_file() and unused:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def offline_zip(out: Path, lang: str) -> Path:
    """The edition's site in one ZIP that opens from disk: ``index.html`` at the top leads into it."""
    target = out / download_name(lang, "zip")
    site = out / lang
    entry = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
             f'<meta http-equiv="refresh" content="0; url={lang}/book/{lang}/index.html">'
             f'<title>{html.escape(t("book.title", lang))}</title></head><body><main>'
             f'<a href="{lang}/book/{lang}/index.html">{html.escape(t("book.edition", lang))}</a></main></body></html>')
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(f"clusterkit-{lang}/index.html", entry)
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(path, f"clusterkit-{lang}/{lang}/{path.relative_to(site).as_posix()}")
    partial.replace(target)
    return target


def print_edition(single: Path, target: Path, lang: str) -> Path:
    """The single-page edition (``single``: its build folder) printed to an A4 PDF by Chromium, as
    the reports are. The page is written at the top of the build, where its links to images and
    styles lead, and its links to itself become links inside the PDF."""
    master = (single / "book" / lang / "index.html").read_text(encoding="utf-8")
    itself = re.compile(rf'href="book/{lang}/index\.html(#[^"]*)?"')
    printable = single / f"print-{lang}.html"
    printable.write_text(itself.sub(lambda m: f'href="{m.group(1) or "#"}"', master), encoding="utf-8")
    html_to_pdf([(printable, target)], t("book.title", lang), lang)
    return target


def build(root: Path, out: Path, only: str | None = None) -> list[Path]:
    """Build the editions (warnings as errors) into ``out/<lang>/``, each also as a PDF, an EPUB and
    an offline ZIP in ``out/downloads/``, and write the landing page."""
    root, out = Path(root).resolve(), Path(out).resolve()
    built = []
    (out / DOWNLOADS).mkdir(parents=True, exist_ok=True)
    for lang in EDITIONS if only is None else (only,):
        config, toc = edition_sources(root, lang, root / "_build" / "editions" / lang)
        target = root / "_build" / "editions" / f"{lang}-output"
        for builder in ("html", "singlehtml", "epub"):
            _sphinx(root, config, toc, target, builder)
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
        prune(destination)
        print_edition(target / "_build" / "singlehtml", out / download_name(lang, "pdf"), lang)
        (epub,) = (target / "_build" / "epub").glob("*.epub")
        shutil.copyfile(epub, out / download_name(lang, "epub"))
        offline_zip(out, lang)
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
    except PdfError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
