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
import base64
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
    settings["sphinx"]["local_extensions"] = {
        name: str(root / path) for name, path in settings["sphinx"]["local_extensions"].items()
    }
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


# The look of the book's theme (pydata-sphinx-theme, light mode): its system fonts, text, muted,
# link, border and surface colours, so that the landing page reads as the book's first page.
LANDING_CSS = """
:root{--ck-text:#222832;--ck-muted:#48566b;--ck-link:#0a7d91;--ck-link-dark:#085d6c;--ck-border:#d1d5da;
--ck-surface:#f3f4f5;--ck-shadow:0 .125rem .25rem rgba(0,0,0,.1)}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,sans-serif,"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol",
"Noto Color Emoji";font-size:1rem;line-height:1.65;color:var(--ck-text);background:#fff}
a{color:var(--ck-link)}a:hover{color:var(--ck-link-dark)}
a:focus-visible{outline:3px solid var(--ck-link-dark);outline-offset:2px;border-radius:.25rem}
header{border-bottom:1px solid var(--ck-border);box-shadow:var(--ck-shadow)}
.ck-bar,main{max-width:60rem;margin:0 auto;padding:.75rem 1.25rem}
.ck-bar{display:flex;align-items:center;gap:.75rem;font-weight:600;font-size:1.1rem}
.ck-bar img{width:2.25rem;height:2.25rem;flex:none}
main{padding-top:2.5rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.25;margin:0 0 .5rem;overflow-wrap:anywhere}
.ck-choose{color:var(--ck-muted);margin:0 0 2rem}
.ck-editions{list-style:none;margin:0;padding:0;display:grid;gap:1.5rem;
grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr))}
.ck-card{border:1px solid var(--ck-border);border-radius:.25rem;box-shadow:var(--ck-shadow);
padding:1.25rem 1.5rem;display:flex;flex-direction:column}
.ck-card h2{font-size:1.5rem;margin:0 0 .25rem}
.ck-card .ck-title{color:var(--ck-muted);margin:0 0 1.25rem;flex:1}
.ck-read{align-self:flex-start;display:inline-block;background:var(--ck-link-dark);color:#fff;font-weight:600;
padding:.5rem 1.1rem;border-radius:.25rem;text-decoration:none}
.ck-read:hover{background:#064652;color:#fff}
.ck-downloads{margin-top:1.25rem;padding-top:.75rem;border-top:1px solid var(--ck-border)}
.ck-downloads h3{font-size:.95rem;margin:0 0 .25rem;color:var(--ck-muted)}
.ck-downloads ul{list-style:none;margin:0;padding:0}
.ck-downloads li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 1rem;padding:.3rem 0}
.ck-downloads li+li{border-top:1px solid var(--ck-surface)}
.ck-size{color:var(--ck-muted);font-variant-numeric:tabular-nums;white-space:nowrap}
@media (max-width:35rem){h1{font-size:1.6rem}main{padding-top:1.5rem}}
"""


def download_size(size: int, lang: str) -> str:
    """A download's size as its readers write it: kilobytes below one megabyte, else megabytes."""
    if size < 1_000_000:
        return t("book.download.kb", lang, size=i18n.number(max(size / 1000, 1), lang, 0))
    return t("book.download.mb", lang, size=i18n.number(size / 1_000_000, lang, 1))


def book_logo(root: Path) -> Path | None:
    """The book's logo as its configuration names it (``logo``, else the ``html.favicon``); None
    when it names neither."""
    settings = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))
    name = settings.get("logo") or settings.get("html", {}).get("favicon")
    return Path(root) / name if name else None


def landing_page(site: Path | None = None, logo: Path | None = None) -> str:
    """The site's entry page, in the book's look: a header with the book's logo (``logo``, an SVG),
    the same invitation in both languages, then one card per edition with the link to read it and
    its downloads, each with its size when ``site`` (the built site) holds it."""

    def download(lang, kind):
        path = None if site is None else Path(site) / download_name(lang, kind)
        size = (
            f' <span class="ck-size">{html.escape(download_size(path.stat().st_size, lang))}</span>'
            if path is not None and path.exists()
            else ""
        )
        return (
            f'<li><a href="{download_name(lang, kind)}">{html.escape(t(f"book.download.{kind}", lang))}</a>{size}</li>'
        )

    def edition(lang):
        downloads = "".join(download(lang, kind) for kind in SUFFIXES)
        return (
            f'<li class="ck-card" lang="{lang}"><h2>{html.escape(t("book.edition", lang))}</h2>'
            f'<p class="ck-title">{html.escape(t("book.title", lang))}</p>'
            f'<a class="ck-read" href="{lang}/book/{lang}/index.html" hreflang="{lang}">'
            f"{html.escape(t('book.read', lang))}</a>"
            f'<div class="ck-downloads"><h3>{html.escape(t("book.download.heading", lang))}</h3>'
            f"<ul>{downloads}</ul></div></li>"
        )

    cards = "\n".join(edition(lang) for lang in EDITIONS)
    intro = " / ".join(f'<span lang="{lang}">{html.escape(t("book.choose", lang))}</span>' for lang in EDITIONS)
    title = html.escape(t("book.title", "fr"))
    icon = ""
    if logo is not None and Path(logo).exists():
        data = base64.b64encode(Path(logo).read_bytes()).decode("ascii")
        icon = f"data:image/svg+xml;base64,{data}"
    head_icon = f'<link rel="icon" href="{icon}">' if icon else ""
    brand = f'<img src="{icon}" alt="">' if icon else ""  # decorative: the name follows
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{head_icon}
<style>{LANDING_CSS}</style></head>
<body><header><div class="ck-bar">{brand}<span>clusterkit</span></div></header>
<main><h1>{title}</h1><p class="ck-choose">{intro}</p>
<ul class="ck-editions">
{cards}
</ul></main></body></html>
"""


def _sphinx(root: Path, config: Path, toc: Path, target: Path, builder: str) -> None:
    """One Jupyter Book build; the notebooks' execution cache in ``target`` serves every builder."""
    choice = (
        ["--builder", builder]
        if builder in ("html", "singlehtml")
        else ["--builder", "custom", "--custom-builder", builder]
    )
    # written whole each time (the executed notebooks stay cached): Sphinx would keep pages
    # written before a change of the extensions, stylesheets or scripts
    shutil.rmtree(target / "_build" / builder, ignore_errors=True)
    command = [
        *JUPYTER_BOOK,
        "build",
        str(root),
        "--config",
        str(config),
        "--toc",
        str(toc),
        "--path-output",
        str(target),
        *choice,
        "-W",
        "-n",
        "--keep-going",
    ]
    subprocess.run(command, check=True)


def prune(site: Path) -> None:
    """Remove from an edition's site what its pages never load (other MathJax bundles and fonts,
    source maps, the theme's translation catalogues), so that the offline download stays light."""
    static = site / "_static"
    for path in sorted(static.rglob("*"), reverse=True):  # files before their folders
        name = path.relative_to(static).as_posix()
        unused = (
            (name.startswith("mathjax/") and not name.startswith(MATHJAX_KEPT))
            or name.endswith(".map")
            or name.startswith(UNLOADED)
        )
        if path.is_file() and unused:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def offline_zip(out: Path, lang: str) -> Path:
    """The edition's site in one ZIP that opens from disk: ``index.html`` at the top leads into it."""
    target = out / download_name(lang, "zip")
    site = out / lang
    entry = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={lang}/book/{lang}/index.html">'
        f"<title>{html.escape(t('book.title', lang))}</title></head><body><main>"
        f'<a href="{lang}/book/{lang}/index.html">{html.escape(t("book.edition", lang))}</a></main></body></html>'
    )
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
    (out / "index.html").write_text(landing_page(out, book_logo(root)), encoding="utf-8")
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
