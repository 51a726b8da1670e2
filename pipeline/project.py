"""The content root's layout (PRODUCT.md, "Fixed surfaces"): where every file lives."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.errors import Problem, UsageError
from pipeline.locales import Locale, parse_locale


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config
    # Folders resolved by outside_locales, once per command (a Project lives for one), and
    # whether each leads outside locales/, by its path.
    _resolved_folders: dict = field(default_factory=dict, compare=False, repr=False)
    _outside_folders: dict = field(default_factory=dict, compare=False, repr=False)
    # A locale's catalogue folder, as a path and as messages show it, by locale folder.
    _po_folders: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def open(cls, root: Path | str) -> "Project":
        root = Path(root).resolve()
        if not (root / "source").is_dir():
            raise UsageError(f"{root} is not a content root: it has no source/ folder", path=str(root),
                             hint="run the command in the content root, or name it with --root PATH")
        return cls(root, load_config(root))

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def pot_path(self, domain: str) -> Path:
        return self.locales_dir / f"{domain}.pot"

    def locale_dir(self, locale: Locale) -> Path:
        return self.locales_dir / locale.folder

    def po_path(self, locale: Locale, domain: str) -> Path:
        return self.locale_dir(locale) / "LC_MESSAGES" / f"{domain}.po"

    def po_location(self, locale: Locale, domain: str) -> tuple[str, str]:
        """:meth:`po_path` as a str, and as messages show it (:meth:`display`): a build reads
        20,000 catalogues, and pathlib's joins for each were 2% of a cold build."""
        known = self._po_folders.get(locale.folder)
        if known is None:
            folder = self.locale_dir(locale) / "LC_MESSAGES"
            known = self._po_folders[locale.folder] = (f"{folder}{os.sep}", f"{self.display(folder)}/")
        return f"{known[0]}{domain}.po", f"{known[1]}{domain}.po"

    def display(self, path: Path) -> str:
        """The path as messages show it: relative to the content root, with '/'."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def discover_locales(self, known: dict[str, str] | None = None) -> tuple[list[Locale], list[Problem]]:
        """The locale folders under ``locales/``, and a problem for each entry that is not one.

        A folder whose name is not a canonical gettext locale (``xx_INVALID!``, ``pt_br``,
        ``...``), a file where a folder belongs, and a link to a folder outside ``locales/``
        are reported and skipped: such a name never reaches a path in ``dist/``. The
        templates (``*.pot``) and hidden files (``.gitkeep``) belong there and are passed over.

        ``known`` maps folder names validated earlier (by this same code) to their tags: the
        build keeps it, because validating a tag imports langcodes' tables (0.15 s).
        """
        found: list[Locale] = []
        problems: list[Problem] = []
        if not self.locales_dir.is_dir():
            return found, problems
        for child in sorted(self.locales_dir.iterdir()):
            name = child.name
            display = f"locales/{printable(name)}"
            if not child.is_dir():
                if child.is_symlink() and not child.exists():
                    problems.append(Problem("a broken link, skipped", display))
                elif not (name.startswith(".") or name.endswith(".pot")):
                    hint = ("a locale's catalogues go in locales/<locale>/LC_MESSAGES/<domain>.po"
                            if name.endswith(".po") else None)
                    problems.append(Problem("a file where only locale folders belong, skipped", display, None, hint))
                continue
            reason = self._outside(child)
            if reason:
                problems.append(Problem(f"not a locale folder, skipped: {reason}", display, None,
                                        "replace the link with the folder itself"))
                continue
            if known and name in known:
                found.append(Locale(known[name]))
                continue
            try:
                locale = parse_locale(name) if name.isprintable() else None
            except UsageError as exc:
                problems.append(Problem(f"not a locale folder, skipped: {exc.message}", display, None, exc.hint))
                continue
            if locale is None:
                problems.append(Problem("not a locale folder, skipped: the name holds unprintable characters",
                                        display))
                continue
            if locale.folder != name:
                problems.append(Problem(f"locale folder should be named '{locale.folder}', skipped", display, None,
                                        f"rename it: git mv locales/{name} locales/{locale.folder}"))
                continue
            found.append(locale)
        return found, problems

    def outside_locales(self, path: Path | str) -> bool:
        """True when ``path`` resolves outside ``locales/`` (through a link): it must not be read.

        A pull request can add a symbolic link as easily as a file; reading ``/etc/passwd``
        as a PO file would print its lines in the error.
        """
        if os.path.islink(path):
            return not Path(path).resolve().is_relative_to(self._resolved(self.locales_dir))
        return self.outside_folder(path)

    def outside_folder(self, path: Path | str) -> bool:
        """True when the folder of ``path`` resolves outside ``locales/``: for a file that is
        not a link itself, :meth:`outside_locales` (found once per folder, not once per
        file: a build reads 20,000 catalogues from 20 folders)."""
        folder = os.path.dirname(path)
        outside = self._outside_folders.get(folder)
        if outside is None:
            outside = self._outside_folders[folder] = not self._resolved(Path(folder)).is_relative_to(
                self._resolved(self.locales_dir))
        return outside

    def _resolved(self, folder: Path) -> Path:
        resolved = self._resolved_folders.get(folder)
        if resolved is None:
            resolved = self._resolved_folders[folder] = folder.resolve()
        return resolved

    def _outside(self, folder: Path) -> str | None:
        """Why ``folder`` (under locales/) must not be read: it leads outside locales/; None if it does not."""
        if not folder.is_symlink():
            return None
        if folder.resolve().is_relative_to(self._resolved(self.locales_dir)):
            return None
        return "a link to a folder outside locales/"

    def select_locales(self, tags: list[str] | tuple[str, ...],
                       known: dict[str, str] | None = None) -> tuple[list[Locale], list[Problem]]:
        """The locales named on the command line (validated), or every locale on disk."""
        if not tags:
            return self.discover_locales(known)
        chosen: list[Locale] = []
        for tag in tags:
            locale = parse_locale(tag)
            if not self.locale_dir(locale).is_dir():
                raise UsageError(f"no catalogues for locale '{locale.tag}' (looked in locales/{locale.folder})",
                                 hint=f"create them with: pipeline init {locale.tag}")
            reason = self._outside(self.locale_dir(locale))
            if reason:
                raise UsageError(f"locales/{locale.folder} is {reason}: not read", path=f"locales/{locale.folder}",
                                 hint="replace the link with the folder itself")
            if locale not in chosen:
                chosen.append(locale)
        return chosen, []


def printable(name: str) -> str:
    """A file name as a message may show it: control characters (a terminal escape) and bytes
    that are not UTF-8 written as escapes."""
    if name.isprintable():
        return name
    shown = []
    for char in name:
        code = ord(char)
        if char.isprintable():
            shown.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.listdir hands it over
            shown.append(f"\\x{code - 0xDC00:02x}")
        else:
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(shown)

