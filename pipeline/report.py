"""Render what ``check`` found: text for people, JSON for machines, GitHub annotations for CI.

The report is written as the bundles are judged, an article at a time (:func:`check_locale`),
a locale a job (:func:`check_job`, in worker processes when there are enough bundles), and waits
on disk, not in memory, until every locale is done (:class:`CheckReport`): a report held whole
took 445 MB at 1,000 articles in 20 locales (each verdict keeps its page's texts).
The three formats print what the whole report printed, byte for byte (tests/test_check_cli.py
compares them with it on a generated corpus):

- text: every locale's findings, each locale's sorted by file, line, check and message; then a
  line for each bundle's verdict, with its reasons; then the counts;
- json: the document of docs/check-report.md (sorted keys, indented by two);
- github: for each locale, its warnings, its findings, then an error for each reason a bundle
  is blocked.

Within a locale, warnings come in the gate's order: the glossary's, then each catalogue's by
domain, then the review ledger's. Warnings also go to standard error as each locale is done.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping

from pipeline.errors import Problem

JSON_SCHEMA_VERSION = 1
TEXT, JSON, GITHUB = "text", "json", "github"


def json_item(item: object) -> str:
    """One item of a list in a JSON document (sorted keys, indented by two, the list the value of
    a key of the top object), indented as it is there: the document is written an item at a
    time, with the bytes ``json.dumps`` gives for it whole."""
    return "    " + json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n    ")


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (toolkit's escapeData / escapeProperty).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _spool():
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")


class _Pieces:
    """Pieces of text in a temporary file, each under a key, taken back in the keys' order."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+b")
        self.index: list[tuple[object, int, int, int]] = []  # key, arrival, offset, length in bytes

    def add(self, key: object, text: str) -> None:
        if text:
            data = text.encode("utf-8", "surrogatepass")
            self.index.append((key, len(self.index), self.file.tell(), len(data)))
            self.file.write(data)

    def take(self) -> Iterable[str]:
        """The pieces in the order of their keys (then of their arrival); then empty again."""
        for _, _, offset, length in sorted(self.index):
            self.file.seek(offset)
            yield self.file.read(length).decode("utf-8", "surrogatepass")
        self.index.clear()
        self.file.seek(0)
        self.file.truncate()

    def close(self) -> None:
        self.file.close()


class CheckReport:
    """``check``'s report in ``fmt``, fed a locale at a time: :meth:`problems`, :meth:`findings`
    and :meth:`verdict` in any order of domains, then :meth:`end_locale`; :meth:`write` prints
    it once every locale is in."""

    def __init__(self, fmt: str, warn: Callable[[str], None] = lambda text: None) -> None:
        self.fmt = fmt
        self.warn = warn  # the text for standard error (the warnings' lines), a locale's as it ends
        self.published = self.blocked = 0
        self._out = _spool()  # text: findings; json: findings; github: everything
        self._bundles = _spool()  # text: the verdicts' lines; json: the bundles
        self._warnings = _spool()  # json: the warnings
        self._items = {"findings": 0, "bundles": 0, "warnings": 0}  # json items written, for the commas
        self._problems = _Pieces()  # this locale's, by (0 glossary | 1 a catalogue | 2 ledger, domain)
        self._stderr = _Pieces()
        self._found = _Pieces()  # this locale's findings, by file
        self._reasons = _spool()  # github: this locale's blocked reasons, in verdict order

    def problems(self, key: tuple[int, str], problems: Iterable[Problem]) -> None:
        """Warnings about the locale's files: ``key`` places them (see the module docstring)."""
        stdout, stderr = [], []
        for p in problems:
            stderr.append(p.warning() + "\n")
            if self.fmt == JSON:
                stdout.append(json_item({"path": p.path, "line": p.line, "message": p.message, "hint": p.hint}))
            elif self.fmt == GITHUB:
                where = f"file={_escape_property(p.path or '')}" + (f",line={p.line}" if p.line else "")
                stdout.append(f"::warning {where}::{_escape_data(p.message)}\n")
        self._stderr.add(key, "".join(stderr))
        self._add(self._problems, key, stdout)

    def findings(self, path: str, findings: Mapping[object, list]) -> None:
        """The findings of one catalogue (``path``), by message, as the checks gave them."""
        found = [f for each in findings.values() for f in each]
        found.sort(key=lambda f: (f.path, f.line, f.check, f.message))
        if self.fmt == TEXT:
            texts = [f"{f.format()}\n" for f in found]
        elif self.fmt == JSON:
            texts = [json_item(f.to_json()) for f in found]
        else:
            texts = [f"::{'error' if f.severity == 'error' else 'warning'} file={_escape_property(f.path)},"
                     f"line={f.line},title={_escape_property(f'[{f.check}]')}::{_escape_data(f.message)}\n"
                     for f in found]
        self._add(self._found, path, texts)

    def _add(self, pieces: _Pieces, key: object, texts: list[str]) -> None:
        """A JSON item is a piece of its own (the pieces of a key keep their order); lines are one."""
        if self.fmt == JSON:
            for text in texts:
                pieces.add(key, text)
        else:
            pieces.add(key, "".join(texts))

    def verdict(self, verdict) -> None:
        if verdict.published:
            self.published += 1
        else:
            self.blocked += 1
        if self.fmt == TEXT:
            cov = verdict.coverage
            self._bundles.write(f"{verdict.locale} {verdict.article}: {verdict.status.upper()} "
                                f"(coverage {cov.percent:g}%, {cov.fallback} fallback to English, "
                                f"{verdict.review_state})\n")
            for reason in verdict.reasons:
                self._bundles.write(f"  {reason.format()}\n")
        elif self.fmt == JSON:
            self._item(self._bundles, "bundles", json_item(verdict.to_json()))
        else:
            for reason in verdict.reasons:
                where = f"file={_escape_property(reason.path)}" + (f",line={reason.line}" if reason.line else "")
                title = _escape_property(f"{verdict.locale} {verdict.article} blocked [{reason.rule}]")
                self._reasons.write(f"::error {where},title={title}::{_escape_data(reason.message)}\n")

    def end_locale(self) -> None:
        for text in self._stderr.take():
            self.warn(text)
        if self.fmt == JSON:
            for item in self._problems.take():
                self._item(self._warnings, "warnings", item)
            for item in self._found.take():
                self._item(self._out, "findings", item)
            return
        if self.fmt == GITHUB:
            for text in self._problems.take():
                self._out.write(text)
        for text in self._found.take():
            self._out.write(text)
        if self.fmt == GITHUB:
            _copy(self._reasons, self._out.write)
            self._reasons.seek(0)
            self._reasons.truncate()

    def _item(self, spool, name: str, item: str) -> None:
        # Each item after a comma, the first's dropped when the list is written: the spools of
        # two reports join end to end (absorb).
        spool.write(",\n" + item)
        self._items[name] += 1

    def save(self, prefix: str, stderr) -> dict:
        """This report's spools (and ``stderr``, a spool of its warnings) in files beginning with
        ``prefix``, and its counts: a worker's report of one locale, for :meth:`absorb`."""
        for name, spool in (("out", self._out), ("bundles", self._bundles), ("warnings", self._warnings),
                            ("stderr", stderr)):
            with open(f"{prefix}.{name}", "w", encoding="utf-8", newline="\n") as target:
                _copy(spool, target.write)
        return {"prefix": prefix, "published": self.published, "blocked": self.blocked, "items": dict(self._items)}

    def absorb(self, saved: dict) -> None:
        """Append a report :meth:`save` saved (the next locale's) to this one, and print its warnings."""
        prefix = saved["prefix"]
        for name, spool in (("stderr", None), ("out", self._out), ("bundles", self._bundles),
                            ("warnings", self._warnings)):
            with open(f"{prefix}.{name}", encoding="utf-8", newline="\n") as source:
                _copy(source, self.warn if spool is None else spool.write)
            os.unlink(f"{prefix}.{name}")
        self.published += saved["published"]
        self.blocked += saved["blocked"]
        for name, count in saved["items"].items():
            self._items[name] += count

    def write(self, echo: Callable[[str], None]) -> None:
        """The whole report, in chunks, to ``echo``."""
        if self.fmt == JSON:
            echo('{\n  "bundles": ')
            echo_json_list(self._bundles, self._items["bundles"], echo)
            echo(',\n  "findings": ')
            echo_json_list(self._out, self._items["findings"], echo)
            echo(f',\n  "schema_version": {JSON_SCHEMA_VERSION},\n  "summary": {{\n'
                 f'    "blocked": {self.blocked},\n    "published": {self.published}\n  }},\n  "warnings": ')
            echo_json_list(self._warnings, self._items["warnings"], echo)
            echo("\n}\n")
            return
        _copy(self._out, echo)
        if self.fmt == TEXT:
            _copy(self._bundles, echo)
            echo(f"{self.published} published, {self.blocked} blocked\n")

    def close(self) -> None:
        for spool in (self._out, self._bundles, self._warnings, self._reasons):
            spool.close()
        for pieces in (self._problems, self._stderr, self._found):
            pieces.close()


def echo_json_list(spool, count: int, echo: Callable[[str], None]) -> None:
    """A list of a JSON document whose ``count`` items (:func:`json_item`) were written to the text
    file ``spool``, each after a comma: to ``echo``, as ``json.dumps`` prints it."""
    if not count:
        echo("[]")
        return
    echo("[")
    _copy(spool, echo, skip=1)  # the first item's comma
    echo("\n  ]")


def _copy(spool, echo: Callable[[str], None], skip: int = 0, chunk: int = 1 << 20) -> None:
    """A text file's content, but for its first ``skip`` characters, to ``echo`` a megabyte at a time."""
    spool.seek(0)
    spool.read(skip)
    while text := spool.read(chunk):
        echo(text)
    spool.seek(0, os.SEEK_END)


def check_job(project, scanned, locale, fmt: str, folder: str) -> dict:
    """One locale's report, saved in ``folder`` (:meth:`CheckReport.save`) for the report of
    every locale to :meth:`~CheckReport.absorb`: ``check`` runs one a locale, in workers when
    there are enough bundles (as a build decides, :func:`pipeline.build.run_jobs`, which lets go
    of the locale's CLDR data after each job). ``scanned``: :class:`pipeline.source.ScannedSources`."""
    from pipeline.review import approvals_for

    sources = scanned.sources()
    stderr = _spool()
    report = CheckReport(fmt, warn=stderr.write)
    try:
        check_locale(project, sources, locale, approvals_for(project, locale), report)
        return report.save(os.path.join(folder, locale.folder), stderr)
    finally:
        report.close()
        stderr.close()


def check_locale(project, sources, locale, approvals, report: CheckReport) -> None:
    """Run the checks and the gate on every bundle of ``locale`` into ``report``, an article at a
    time: the article and its catalogue are loaded, checked, judged and let go before the next
    (:class:`pipeline.gate.LocaleGate`, as a build's job does, with every check). ``sources``
    are :class:`pipeline.source.PartialSources`, which load an article when it is asked for."""
    from pipeline.gate import LocaleGate
    from pipeline.source import SITE_DOMAIN

    gate = LocaleGate(project, sources, approvals, errors_only=False, locale=locale)
    data = gate.data
    glossary, site, ledger = gate.problem_groups()
    report.problems((0, ""), glossary)
    report.problems((1, SITE_DOMAIN), site)
    report.findings(data.paths[SITE_DOMAIN], gate.findings_of(SITE_DOMAIN))
    articles = (sources.article(article_id) for article_id in sources.domains()[1:])
    for article, verdict, problems in gate.stream(articles):
        report.problems((1, article.id), problems)
        report.findings(data.paths[article.id], gate.findings[article.id])
        report.verdict(verdict)
        sources.keep_only(())
    report.problems((2, ""), ledger)
    report.end_locale()
