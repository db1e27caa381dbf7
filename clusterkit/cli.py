"""The ``clusterkit`` command.

Help texts come from the message catalogue in the language of ``CLUSTERKIT_LANG`` (French by
default). Each command speaks one language, for its messages and its reports, resolved once by
:func:`clusterkit.running.language.resolve_lang`: ``--lang``, else ``CLUSTERKIT_LANG``, else the workbook's
own language. Exit codes: 0 success, 2 bad input (workbook, step, parameter, output path: every
:class:`~clusterkit.errors.InputError`), 3 a template that failed while it ran, 130 interrupted;
anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import i18n
from .errors import ClusterkitError, InputError
from .i18n import t
from .running.language import resolve_lang, user_lang
from .schema import ENUMS, STEPS


def _lang_option(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None, help=t("cli.opt.lang", lang))


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; the book's reference page is generated from it."""
    try:
        lang = resolve_lang(lang)
    except InputError:  # an unsupported CLUSTERKIT_LANG: the help stays readable, the command says why
        lang = i18n.DEFAULT_LANG
    parser = argparse.ArgumentParser(prog="clusterkit", description=t("cli.description", lang))
    parser.add_argument("--version", action="version", version=f"clusterkit {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    workbook = commands.add_parser(
        "workbook", help=t("cli.workbook.help", lang), description=t("cli.workbook.help", lang)
    )
    actions = workbook.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser("new", help=t("cli.workbook.new.help", lang), description=t("cli.workbook.new.help", lang))
    new.add_argument("path", metavar="PATH", help=t("cli.arg.new_path", lang))
    new.add_argument("--force", action="store_true", help=t("cli.opt.force", lang))
    _lang_option(new, lang)
    check = actions.add_parser(
        "check", help=t("cli.workbook.check.help", lang), description=t("cli.workbook.check.help", lang)
    )
    check.add_argument("path", metavar="PATH", help=t("cli.arg.workbook", lang))
    check.add_argument("--step", choices=STEPS, default=None, help=t("cli.opt.step", lang))
    _lang_option(check, lang)
    example = actions.add_parser(
        "example", help=t("cli.workbook.example.help", lang), description=t("cli.workbook.example.help", lang)
    )
    example.add_argument("path", metavar="PATH", help=t("cli.arg.new_path", lang))
    example.add_argument("--force", action="store_true", help=t("cli.opt.force", lang))
    _lang_option(example, lang)

    run = commands.add_parser("run", help=t("cli.run.help", lang), description=t("cli.run.help", lang))
    run.add_argument("step", choices=STEPS, metavar="STEP", help=t("cli.arg.step", lang, steps=", ".join(STEPS)))
    run.add_argument("--workbook", metavar="PATH", default=None, help=t("cli.opt.workbook", lang))
    run.add_argument("--out", metavar="DIR", required=True, help=t("cli.opt.out", lang))
    _lang_option(run, lang)
    run.add_argument(
        "-p", "--parameter", metavar="NAME=VALUE", action="append", default=[], help=t("cli.opt.parameter", lang)
    )
    run.add_argument("--timeout", type=int, default=600, metavar="SECONDS", help=t("cli.opt.timeout", lang))

    pack = commands.add_parser("pack", help=t("cli.pack.help", lang), description=t("cli.pack.help", lang))
    pack.add_argument("--workbook", metavar="PATH", default=None, help=t("cli.opt.workbook", lang))
    pack.add_argument("--out", metavar="DIR", required=True, help=t("cli.opt.out", lang))
    _lang_option(pack, lang)
    pack.add_argument("--steps", nargs="+", choices=STEPS, metavar="STEP", default=None, help=t("cli.opt.steps", lang))
    pack.add_argument("--pdf", action="store_true", help=t("cli.opt.pdf", lang))
    pack.add_argument("--jobs", type=int, default=None, metavar="N", help=t("cli.opt.jobs", lang))

    batch = commands.add_parser("batch", help=t("cli.batch.help", lang), description=t("cli.batch.help", lang))
    batch.add_argument("folder", metavar="FOLDER", help=t("cli.arg.folder", lang))
    batch.add_argument("--out", metavar="DIR", required=True, help=t("cli.opt.batch_out", lang))
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help=t("cli.opt.jobs", lang))
    _lang_option(batch, lang)
    batch.add_argument("--steps", nargs="+", choices=STEPS, metavar="STEP", default=None, help=t("cli.opt.steps", lang))
    batch.add_argument("--pdf", action="store_true", help=t("cli.opt.pdf", lang))

    portfolio = commands.add_parser(
        "portfolio", help=t("cli.portfolio.help", lang), description=t("cli.portfolio.help", lang)
    )
    portfolio.add_argument("folder", metavar="FOLDER", help=t("cli.arg.folder", lang))
    portfolio.add_argument("--out", metavar="DIR", required=True, help=t("cli.opt.portfolio_out", lang))
    portfolio.add_argument("--pdf", action="store_true", help=t("cli.opt.pdf", lang))
    _lang_option(portfolio, lang)

    app = commands.add_parser("app", help=t("cli.app.help", lang), description=t("cli.app.help", lang))
    app.add_argument("--port", type=int, default=0, metavar="PORT", help=t("cli.opt.app_port", lang))
    app.add_argument("--no-browser", action="store_true", help=t("cli.opt.no_browser", lang))
    _lang_option(app, lang)

    survey = commands.add_parser("survey", help=t("cli.survey.help", lang), description=t("cli.survey.help", lang))
    survey_actions = survey.add_subparsers(dest="action", required=True, metavar="ACTION")
    xlsform = survey_actions.add_parser(
        "xlsform", help=t("cli.survey.xlsform.help", lang), description=t("cli.survey.xlsform.help", lang)
    )
    xlsform.add_argument("--out", metavar="FILE.xlsx", required=True, help=t("cli.opt.xlsform_out", lang))
    _lang_option(xlsform, lang)
    survey_import = survey_actions.add_parser(
        "import", help=t("cli.survey.import.help", lang), description=t("cli.survey.import.help", lang)
    )
    survey_import.add_argument("export", metavar="EXPORT", help=t("cli.arg.export", lang))
    survey_import.add_argument("--workbook", metavar="PATH", required=True, help=t("cli.arg.workbook", lang))
    survey_import.add_argument(
        "--round", metavar="N", type=int, dest="survey_round", help=t("cli.opt.survey_round", lang)
    )
    _lang_option(survey_import, lang)
    competency_form = survey_actions.add_parser(
        "competency-xlsform",
        help=t("cli.survey.competency_xlsform.help", lang),
        description=t("cli.survey.competency_xlsform.help", lang),
    )
    competency_form.add_argument("--out", metavar="FILE.xlsx", required=True, help=t("cli.opt.xlsform_out", lang))
    _lang_option(competency_form, lang)
    competency_import = survey_actions.add_parser(
        "competency-import",
        help=t("cli.survey.competency_import.help", lang),
        description=t("cli.survey.competency_import.help", lang),
    )
    competency_import.add_argument("export", metavar="EXPORT", help=t("cli.arg.competency_export", lang))
    competency_import.add_argument("--workbook", metavar="PATH", required=True, help=t("cli.arg.workbook", lang))
    _lang_option(competency_import, lang)

    kit = commands.add_parser("kit", help=t("cli.kit.help", lang), description=t("cli.kit.help", lang))
    kit_actions = kit.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, out_metavar in (("action-sheets", "DIR"), ("steering-agenda", "FILE.docx")):
        key = name.replace("-", "_")
        kit_action = kit_actions.add_parser(
            name, help=t(f"cli.kit.{key}.help", lang), description=t(f"cli.kit.{key}.help", lang)
        )
        kit_action.add_argument("--workbook", metavar="PATH", required=True, help=t("cli.arg.workbook", lang))
        kit_action.add_argument(
            "--out",
            metavar=out_metavar,
            required=True,
            help=t("cli.opt.kit_out_dir" if out_metavar == "DIR" else "cli.opt.kit_out_file", lang),
        )
        if name == "steering-agenda":
            kit_action.add_argument("--as-of", metavar="DATE", default=None, help=t("cli.opt.as_of", lang))
        kit_action.add_argument("--force", action="store_true", help=t("cli.opt.force", lang))
        _lang_option(kit_action, lang)

    indicators = commands.add_parser(
        "indicators", help=t("cli.indicators.help", lang), description=t("cli.indicators.help", lang)
    )
    indicator_actions = indicators.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = indicator_actions.add_parser(
        "add", help=t("cli.indicators.add.help", lang), description=t("cli.indicators.add.help", lang)
    )
    add.add_argument("--battery", required=True, choices=ENUMS["battery"], help=t("cli.opt.battery", lang))
    add.add_argument("--workbook", metavar="PATH", required=True, help=t("cli.arg.workbook", lang))
    _lang_option(add, lang)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def parse_parameter(text: str, lang: str) -> tuple[str, object]:
    """``name=value``: the value is read as JSON when it is valid JSON, else kept as text."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise InputError(t("run.parameter_syntax", lang, text=text))
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def _new_file(path, force: bool, lang: str, write) -> Path:
    """Write a workbook at ``path`` with ``write(path)``; an existing file only with ``force``
    (the writer replaces it in one rename, so it is never left half-written)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(t("cli.workbook.is_folder", lang, path=path))
    if path.suffix.lower() != ".xlsx":  # what is written is an .xlsx file: its name says so
        raise InputError(t("cli.workbook.not_xlsx", lang, path=path, name=path.with_suffix(".xlsx").name))
    if path.exists() and not force:
        raise InputError(t("cli.workbook.exists", lang, path=path))
    try:
        return write(path)
    except OSError as error:
        raise InputError(t("cli.workbook.cannot_write", lang, path=path, reason=error.strerror or error)) from None


def _workbook_new(args) -> int:
    from .workbook import new_workbook

    lang = resolve_lang(args.lang)
    path = _new_file(args.path, args.force, lang, lambda p: new_workbook(p, lang))
    print(t("cli.workbook.new.done", lang, path=path))
    return 0


def _workbook_example(args) -> int:
    from .examples import build_example
    from .workbook import write_workbook

    lang = resolve_lang(args.lang)
    path = _new_file(args.path, args.force, lang, lambda p: write_workbook(build_example(lang=lang), p, lang))
    print(t("cli.workbook.example.done", lang, path=path))
    return 0


def _workbook_check(args) -> int:
    from .running.edge import open_workbook

    _, wb, lang = open_workbook(args.path, args.lang, args.step)
    for notice in wb.notices:
        print(notice.message(lang))
    counts = ", ".join(f"{t(f'sheet.{k}', lang)} ({len(v)})" for k, v in wb.sheets.items())
    print(t("cli.workbook.check.ok", lang, file=args.path, sheets=counts or "—"))
    return 0


def _run(args) -> int:
    from .running.edge import open_workbook
    from .running.run import run_opened, step_kernel

    with step_kernel(args.step) as pool:  # the kernel starts while the workbook is checked
        source, wb, lang = open_workbook(args.workbook, args.lang, args.step)
        parameters = dict(parse_parameter(p, lang) for p in args.parameter)
        result = run_opened(
            args.step, source, wb, lang, args.out, parameters=parameters, timeout=args.timeout, pool=pool
        )
    print(t("run.done", lang, step=args.step))
    print(t("run.wrote", lang, what=t("run.what.html", lang), path=result.html))
    print(t("run.wrote", lang, what=t("run.what.notebook", lang), path=result.notebook))
    if result.tables:
        print(t("run.wrote", lang, what=t("run.what.tables", lang), path=result.tables))
    if args.step == "plan":
        _plan_warnings(wb, parameters, result.html.parent, lang)
    return 0


def _plan_warnings(wb, parameters: dict, out: Path, lang: str) -> None:
    """The plan's points to watch, for the team at the terminal, with the working note that keeps them."""
    from .running.templates import template_parameters
    from .steps import plan

    capacity = parameters.get("capacity", json.loads(template_parameters("plan")["capacity"]["default"]))
    warnings = plan.workbook_warnings(wb, capacity)
    notes = out / "plan-team-notes.docx"
    if notes.exists():
        print(t("run.wrote", lang, what=t("pack.file.team-notes", lang), path=notes))
    print(t("run.plan.warnings", lang) if warnings else t("plan.warnings.none", lang))
    for warning in warnings:
        print(f"  - {warning.text(lang)}")


def _pack(args) -> int:
    from .running.pack import pack

    result = pack(args.workbook, args.out, lang=args.lang, steps=args.steps, pdf=args.pdf, jobs=args.jobs)
    lang = result.lang
    print(t("cli.pack.done", lang, steps=", ".join(result.steps) or "—", count=len(result.files)))
    print(t("run.wrote", lang, what=t("cli.pack.index", lang), path=result.index))
    if result.failures:
        print(t("cli.pack.failed", lang, steps=", ".join(f.step for f in result.failures)), file=sys.stderr)
        for failure in result.failures:
            print(failure.error, file=sys.stderr)
    return result.exit_code


def _batch(args) -> int:
    from .running.batch import batch, summary_table

    rows = batch(args.folder, args.out, jobs=args.jobs, lang=args.lang, steps=args.steps, pdf=args.pdf)
    print(summary_table(rows, resolve_lang(args.lang)))
    return max((row.exit_code for row in rows), default=0)  # the others were still made


def _portfolio(args) -> int:
    from .portfolio import portfolio

    lang = resolve_lang(args.lang)
    result = portfolio(args.folder, args.out, lang, pdf=args.pdf)
    for path in result.files:
        print(t("run.wrote", lang, what=t("cli.portfolio.what", lang), path=path))
    for row in result.unread.itertuples():
        print(t("cli.portfolio.unread", lang, file=row.file, reason=row.reason), file=sys.stderr)
    return 2 if len(result.unread) else 0  # the others are on the page


def _app(args) -> int:
    from .app import serve

    return serve(resolve_lang(args.lang), port=args.port, open_browser=not args.no_browser)


def _survey(args, lang: str | None) -> int:
    from . import survey

    if args.action in ("xlsform", "competency-xlsform"):
        from .questionnaire import competency_xlsform

        lang = i18n.check_lang(lang or os.environ.get("CLUSTERKIT_LANG"))
        write = survey.enterprise_xlsform if args.action == "xlsform" else competency_xlsform
        # a form made again replaces the previous one: its questions come from the catalogue
        print(t("cli.survey.xlsform.done", lang, path=_new_file(args.out, True, lang, lambda p: write(p, lang))))
        return 0
    if args.action == "competency-import":
        from .questionnaire import append_submissions

        lang = i18n.check_lang(lang or os.environ.get("CLUSTERKIT_LANG"))
        added = append_submissions(args.export, args.workbook, lang)
        print(t("cli.survey.competency_import.done", lang, rows=added, path=args.workbook))
        return 0
    report = survey.import_export(args.export, args.workbook, lang, args.survey_round)
    print(report.format(lang))
    return 2 if report.rejected else 0  # rows were refused: the export needs fixing


def _indicators(args) -> int:
    from .steps.monitoring import add_battery, add_battery_message

    lang = resolve_lang(args.lang)
    added, kept = add_battery(args.workbook, args.battery, user_lang(args.lang))
    print(add_battery_message(added, kept, args.workbook, lang))
    return 0


def _kit(args) -> int:
    from . import kit
    from .running.edge import open_workbook

    _, wb, lang = open_workbook(args.workbook, args.lang, "implementation")
    if args.action == "action-sheets":
        paths = kit.action_sheets(wb, args.out, lang, force=args.force)
        print(t("cli.kit.action_sheets.done", lang, count=len(paths), path=args.out))
    else:
        path, listed = kit.steering_agenda(wb, args.out, lang, as_of=args.as_of, force=args.force)
        print(t("cli.kit.steering_agenda.done", lang, path=path, count=len(listed)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command; a :class:`~clusterkit.errors.ClusterkitError` is its message and exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "workbook":
            return {"new": _workbook_new, "check": _workbook_check, "example": _workbook_example}[args.action](args)
        if args.command == "survey":
            return _survey(args, user_lang(args.lang))
        return {
            "run": _run,
            "pack": _pack,
            "batch": _batch,
            "indicators": _indicators,
            "kit": _kit,
            "portfolio": _portfolio,
            "app": _app,
        }[args.command](args)
    except ClusterkitError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:  # the outputs are written by renames: nothing half-written is left
        try:
            lang = resolve_lang(args.lang)
        except InputError:
            lang = i18n.DEFAULT_LANG
        print(t("cli.interrupted", lang), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
