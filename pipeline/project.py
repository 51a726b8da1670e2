"""The content root's layout (PRODUCT.md, "Fixed surfaces"): where every file lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.errors import Problem, UsageError
from pipeline.locales import Locale, parse_locale


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config

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

    def display(self, path: Path) -> str:
        """The path as messages show it: relative to the content root, with '/'."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def discover_locales(self) -> tuple[list[Locale], list[Problem]]:
        """The locale folders under ``locales/``, and a problem for each folder that is not one.

        A folder whose name is not a canonical gettext locale (``xx_INVALID!``, ``pt_br``,
        ``..``) is reported and skipped: its name never reaches a path in ``dist/``.
        """
        found: list[Locale] = []
        problems: list[Problem] = []
        if not self.locales_dir.is_dir():
            return found, problems
        for child in sorted(self.locales_dir.iterdir()):
            if not child.is_dir() or child.name.startswith("."):
                continue
            display = f"locales/{child.name}"
            try:
                locale = parse_locale(child.name)
            except UsageError as exc:
                problems.append(Problem(f"not a locale folder, skipped: {exc.message}", display, None, exc.hint))
                continue
            if locale.folder != child.name:
                problems.append(Problem(f"locale folder should be named '{locale.folder}', skipped", display, None,
                                        f"rename it: git mv locales/{child.name} locales/{locale.folder}"))
                continue
            found.append(locale)
        return found, problems

    def select_locales(self, tags: list[str] | tuple[str, ...]) -> tuple[list[Locale], list[Problem]]:
        """The locales named on the command line (validated), or every locale on disk."""
        if not tags:
            return self.discover_locales()
        chosen: list[Locale] = []
        for tag in tags:
            locale = parse_locale(tag)
            if not self.locale_dir(locale).is_dir():
                raise UsageError(f"no catalogues for locale '{locale.tag}' (looked in locales/{locale.folder})",
                                 hint=f"create them with: pipeline init {locale.tag}")
            if locale not in chosen:
                chosen.append(locale)
        return chosen, []
