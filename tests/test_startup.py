"""What a command imports: start-up is part of every rebuild's budget (docs/performance.md).

Asserted on modules, not on seconds: which libraries a command loads does not depend on
the machine, and each of these costs tens of milliseconds to import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WATCHED = ("pydantic", "jinja2", "babel", "pipeline.gate", "pipeline.checks", "importlib.metadata", "langcodes")
PROBE = """
import sys
watched = sys.argv[1].split(",")
sys.argv = ["pipeline", "--root", sys.argv[2], *sys.argv[3:]]
from pipeline.cli import main
try:
    main()
except SystemExit:
    pass
print("IMPORTED", " ".join(sorted(m for m in watched if m in sys.modules)), file=sys.stderr)
"""


def imported(root: Path, *args: str) -> set[str]:
    """Which of WATCHED modules ``pipeline --root ROOT ARGS`` has imported when it ends."""
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(WATCHED), str(root), *args],
                          capture_output=True, text=True, check=False)
    line = [l for l in done.stderr.splitlines() if l.startswith("IMPORTED")]
    assert line, done.stderr
    return set(line[-1].split()[1:])


def test_no_command_imports_pydantic(shipped_root):
    # typer 0.29 coerces options through pydantic (0.13 s); pyproject.toml keeps typer below it.
    assert "pydantic" not in imported(shipped_root, "build")
    assert "pydantic" not in imported(shipped_root, "status")


def test_a_no_op_rebuild_imports_neither_the_gate_nor_the_templates(shipped_root):
    imported(shipped_root, "build")
    assert imported(shipped_root, "build") & {"jinja2", "babel", "pipeline.gate", "pipeline.checks"} == set()


def test_the_checks_locale_facts_do_not_import_langcodes():
    # 25 ms of its tables in a one-PO rebuild, for the script the checks read from Babel's
    # likely subtags instead; a locale's names and fallback chain are kept with the build state.
    probe = ("import sys; from pipeline.locales import Locale; from pipeline.checks._locale import locale_info; "
             "print([locale_info(Locale(t)).script for t in ('fr', 'zh-TW', 'ar')], 'langcodes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['Latn',", "'Hant',", "'Arab']", "False"]


def test_a_rebuild_after_an_article_changed_does_not_import_langcodes(shipped_root):
    # The locale folders the last build validated stay known when source/ changes: validating
    # their names again imported langcodes' tables (0.15 s of a one-article rebuild at 1,000 x 20).
    imported(shipped_root, "build")
    article = shipped_root / "source/articles/discogram.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("Purpose", "Purpose of the test", 1),
                       encoding="utf-8")
    assert {"pipeline.gate", "langcodes"} & imported(shipped_root, "build") == {"pipeline.gate"}


def test_library_versions_read_from_the_install_match_importlib_metadata():
    from importlib import metadata

    from pipeline.buildstate import LIBRARIES, library_version

    assert {name: library_version(name, module) for name, module in LIBRARIES} == \
        {name: metadata.version(name) for name, _ in LIBRARIES}


def test_a_no_op_rebuild_does_not_import_importlib_metadata(shipped_root):
    # 40 ms of imports (email, zipfile, csv...) to read seven version numbers.
    imported(shipped_root, "build")
    assert "importlib.metadata" not in imported(shipped_root, "build")
