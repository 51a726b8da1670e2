"""The English source: load ``source/site.yaml`` and ``source/articles/*.yaml`` into messages.

Loading validates everything and reports every problem at once, each with its file and
line (``docs/source-format.md`` is the reference for content editors). The result is a
tree of frozen dataclasses; every piece of translatable text is a :class:`Message` that
knows its gettext domain, its context, its section and role, and where it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline import fsutil
from pipeline.errors import Problem, SourceError
from pipeline.frozen import cached
from pipeline.yamlnodes import compose, line_of

SITE_DOMAIN = "site"
DISCLAIMER_ROLE = "disclaimer"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Section ids that name the article's own parts in message contexts.
RESERVED_SECTION_IDS = frozenset({"title", "introduction"})
BLOCK_KINDS = ("paragraph", "list", "steps", "definitions")
# Labels the page templates use; a site.yaml without one of them is invalid.
REQUIRED_LABELS = {
    "updated": "the update line; must contain the {date} placeholder",
    "feedback": "the feedback line at the end of an article",
    "contents": "heading of the table of contents",
    "language": "label of the language switcher",
    "articles": "heading of the index page",
    "machine-drafted": "note on a page whose translation was drafted by machine",
    "unreviewed": "note on a page whose translation no clinical reviewer has approved",
    "fallback": "note on a page where some text is shown in English",
}
LABEL_PLACEHOLDERS = {"updated": {"date"}}

_KIND_NOUN = {
    "title": "Title of the article",
    "heading": "Section heading",
    "paragraph": "Paragraph",
    "item": "Bullet-list item",
    "step": "Numbered step",
    "term": "Term being defined",
    "definition": "Definition of a term",
    "label": "",
}


@dataclass(frozen=True)
class Message:
    """One translatable piece of English: a heading, a paragraph, a list item, a term..."""

    domain: str
    section: str
    role: str | None
    kind: str
    text: str
    path: str
    line: int
    note: str = ""

    # Cached in the instance's __dict__ (pipeline.frozen.cached): the gate and the checks
    # ask for them half a million times a build.
    @cached
    def context(self) -> str:
        """The gettext msgctxt: ``article/section``; stable when paragraphs move within a section."""
        return f"{self.domain}/{self.section}"

    @cached
    def key(self) -> tuple[str, str]:
        return (self.context, self.text)

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(PLACEHOLDER.findall(self.text))

    def describe(self) -> str:
        """The extracted comment: what this text is, in words a translator can use."""
        noun = _KIND_NOUN[self.kind]
        return " ".join(x for x in (f"{noun}." if noun else "", self.note) if x)


@dataclass(frozen=True)
class Block:
    """A paragraph, a bullet list, numbered steps, or term/definition pairs."""

    kind: str
    messages: tuple[Message, ...]
    line: int

    @property
    def pairs(self) -> tuple[tuple[Message, Message], ...]:
        """For ``definitions``: the (term, definition) pairs."""
        return tuple(zip(self.messages[0::2], self.messages[1::2]))


@dataclass(frozen=True)
class Section:
    id: str
    role: str | None
    heading: Message
    blocks: tuple[Block, ...]
    line: int

    def messages(self) -> Iterator[Message]:
        yield self.heading
        for block in self.blocks:
            yield from block.messages


class _Domain:
    """What an article and the site strings (each a domain) answer of their messages, made once.

    Kept on the instance (pipeline.frozen.cached): the checks, the catalogue's warnings and the
    gate each ask for every bundle, and a worker keeps an article for all its locales."""

    def messages(self) -> Iterator[Message]:
        raise NotImplementedError

    @cached
    def all_messages(self) -> tuple[Message, ...]:
        """:meth:`messages`, as a tuple made once."""
        return tuple(self.messages())

    @cached
    def message_keys(self) -> frozenset[tuple[str, str]]:
        """The (msgctxt, msgid) of every message: what a catalogue's entry must be one of."""
        return frozenset(message.key for message in self.all_messages)


@dataclass(frozen=True)
class Article(_Domain):
    id: str
    path: str
    title: Message
    introduction: tuple[Block, ...]
    sections: tuple[Section, ...]
    updated: dt.date
    line: int = 1

    def messages(self) -> Iterator[Message]:
        yield self.title
        for block in self.introduction:
            yield from block.messages
        for section in self.sections:
            yield from section.messages()

    def roles(self) -> frozenset[str]:
        return frozenset(s.role for s in self.sections if s.role)


@dataclass(frozen=True)
class Site(_Domain):
    path: str
    disclaimer: Section
    labels: dict[str, Message]

    def messages(self) -> Iterator[Message]:
        yield from self.disclaimer.messages()
        yield from self.labels.values()

    def __hash__(self) -> int:  # labels is a dict; identity is enough for a loaded site
        return id(self)


@dataclass(frozen=True)
class Sources:
    """Everything under ``source/``: the site strings and the articles, sorted by id."""

    site: Site
    articles: tuple[Article, ...]
    digest: str

    def article(self, article_id: str) -> Article:
        by_id = self.__dict__.get("_by_id")
        if by_id is None:  # built once: a build looks articles up by id for every bundle
            by_id = {article.id: article for article in self.articles}
            object.__setattr__(self, "_by_id", by_id)
        return by_id[article_id]

    def domains(self) -> tuple[str, ...]:
        return (SITE_DOMAIN, *(a.id for a in self.articles))

    def domain_messages(self, domain: str) -> tuple[Message, ...]:
        if domain == SITE_DOMAIN:
            return self.site.all_messages
        return self.article(domain).all_messages

    def domain_keys(self, domain: str) -> frozenset[tuple[str, str]]:
        """The (msgctxt, msgid) of every message of ``domain``."""
        if domain == SITE_DOMAIN:
            return self.site.message_keys
        return self.article(domain).message_keys

    def keep_only(self, article_ids) -> None:
        """Let go of the loaded articles but those of ``article_ids``: these sources hold every
        article from the start (:class:`PartialSources` loads them when asked for)."""


# --------------------------------------------------------------------------- loading


class _Reader:
    """Walks one file's nodes, collecting problems instead of stopping at the first."""

    def __init__(self, display: str, problems: list[Problem]) -> None:
        self.display = display
        self.problems = problems

    def error(self, node: Node | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, self.display, line_of(node) if node is not None else None, hint))

    def mapping(self, node: Node, where: str, allowed: dict[str, bool]) -> dict[str, Node] | None:
        """Check a mapping's keys: ``allowed`` maps key -> required."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{where} must be a mapping (key: value), not {_kind(node)}")
            return None
        result: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                self.error(key, f"unknown key '{name}' in {where}", f"allowed keys: {known}")
                continue
            result.setdefault(name, value)
        for name, required in allowed.items():
            if required and name not in result:
                self.error(node, f"{where} is missing the required key '{name}'")
        return result

    def text(self, node: Node | None, where: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                self.error(node, f"{where} is empty")
            else:
                self.error(node, f"{where} must be text, not {_kind(node)}",
                           "quote the value if it is meant as text")
            return None
        value = " ".join(node.value.split())
        if not value:
            self.error(node, f"{where} is empty")
            return None
        return value

    def ident(self, node: Node | None, where: str) -> str | None:
        value = self.text(node, where)
        if value is not None and not ID_PATTERN.match(value):
            self.error(node, f"{where} '{value}' is not a valid id",
                       "use lower-case letters a-z, digits and single hyphens, e.g. 'post-procedure-care'")
            return None
        return value

    def sequence(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where} must be a list (lines starting with '- '), not {_kind(node)}")
            return []
        if not node.value:
            self.error(node, f"{where} is empty")
        return list(node.value)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"null": "nothing", "str": "text", "int": "a number", "float": "a number",
            "bool": "true/false", "timestamp": "a date"}.get(tag, tag)


def _body(r: _Reader, node: Node | None, where: str, make) -> tuple[Block, ...]:
    """Read a list of blocks; ``make(kind, text_node, text)`` builds each message."""
    blocks: list[Block] = []
    for item in r.sequence(node, where):
        fields = r.mapping(item, f"a block of {where}", {k: False for k in BLOCK_KINDS})
        if fields is None:
            continue
        if len(fields) != 1:
            if fields:
                r.error(item, f"a block of {where} must have exactly one of: {', '.join(BLOCK_KINDS)}",
                        "start a new '- ' block for each paragraph or list")
            elif not item.value:  # a block of unknown keys only has been reported already
                r.error(item, f"a block of {where} is empty")
            continue
        (kind, value), = fields.items()
        messages: list[Message] = []
        if kind == "paragraph":
            text = r.text(value, "paragraph")
            if text is not None:
                messages.append(make("paragraph", value, text))
        elif kind in ("list", "steps"):
            noun = "item" if kind == "list" else "step"
            for entry in r.sequence(value, f"{kind}"):
                text = r.text(entry, "list item" if kind == "list" else "step")
                if text is not None:
                    messages.append(make(noun, entry, text))
        else:
            for entry in r.sequence(value, "definitions"):
                pair = r.mapping(entry, "a definition", {"term": True, "definition": True})
                if not pair:
                    continue
                term = r.text(pair.get("term"), "term")
                definition = r.text(pair.get("definition"), "definition")
                if term is not None and definition is not None:
                    messages.append(make("term", pair["term"], term))
                    messages.append(make("definition", pair["definition"], definition,
                                         f'It defines the term "{term}".'))
        if messages:
            blocks.append(Block(kind, tuple(messages), line_of(item)))
    return tuple(blocks)


def _required_note(role: str | None, required_roles: frozenset[str]) -> str:
    if role and role in required_roles:
        whose = "every article" if role == DISCLAIMER_ROLE else "this article"
        return (f"REQUIRED (role: {role}): publication of {whose} in your language is blocked "
                "until this text is translated, not fuzzy and passes every error-level check.")
    return ""


def _load_article(path: Path, display: str, required_roles: frozenset[str],
                  problems: list[Problem]) -> Article | None:
    before = len(problems)
    node, found = compose(path, display)
    problems.extend(found)  # duplicate keys: reported, and the rest of the file is still checked
    if node is None:
        return None
    r = _Reader(display, problems)
    fields = r.mapping(node, "the article", {
        "id": True, "title": True, "updated": True, "introduction": False, "sections": True,
    })
    if fields is None:
        return None
    article_id = r.ident(fields.get("id"), "article id")
    if article_id is not None:
        if article_id != path.stem:
            r.error(fields["id"], f"article id '{article_id}' does not match the file name '{path.name}'",
                    f"rename the file to {article_id}.yaml or change the id")
        if article_id == SITE_DOMAIN:
            r.error(fields["id"], f"'{SITE_DOMAIN}' is reserved for the site strings")
    domain = article_id or path.stem
    updated = _date(r, fields.get("updated"))

    def maker(section: str, role: str | None, extra: str):
        def make(kind: str, node: Node, text: str, note: str = "") -> Message:
            where = {"title": "", "introduction": "In the introduction, before the first section. "}.get(
                section, f'In section "{extra}". ')
            return Message(domain, section, role, kind, text, display, line_of(node),
                           " ".join(x for x in ((where + note).strip(), _required_note(role, required_roles)) if x))
        return make

    title_text = r.text(fields.get("title"), "title")
    title = (maker("title", None, "")("title", fields["title"], title_text)
             if title_text is not None else None)
    introduction = _body(r, fields.get("introduction"), "the introduction",
                         maker("introduction", None, "")) if "introduction" in fields else ()

    sections: list[Section] = []
    seen: dict[str, int] = {}
    present: set[str] = set()  # roles of every section, even one with other errors
    for item in r.sequence(fields.get("sections"), "sections"):
        s = r.mapping(item, "a section", {"id": True, "role": False, "heading": True, "body": True})
        if s is None:
            continue
        section_id = r.ident(s.get("id"), "section id")
        role = r.ident(s.get("role"), "section role") if "role" in s else None
        if role is not None:
            present.add(role)
        if section_id is not None:
            if section_id in seen:
                r.error(s["id"], f"duplicate section id '{section_id}' (first used on line {seen[section_id]})")
            elif section_id in RESERVED_SECTION_IDS:
                r.error(s["id"], f"section id '{section_id}' is reserved", "choose another id")
            seen.setdefault(section_id, line_of(s["id"]))
        if role == DISCLAIMER_ROLE:
            r.error(s["role"], "the disclaimer belongs in source/site.yaml, shared by every article")
        heading_text = r.text(s.get("heading"), "section heading")
        label = heading_text or section_id or "?"
        make = maker(section_id or "?", role, label)
        heading = make("heading", s["heading"], heading_text) if heading_text is not None else None
        blocks = _body(r, s.get("body"), f"section '{section_id}'", make)
        if heading is not None and section_id is not None:
            sections.append(Section(section_id, role, heading, blocks, line_of(item)))

    if article_id is not None:
        for role in sorted(required_roles - {DISCLAIMER_ROLE} - present):
            r.error(node, f"article '{article_id}' has no section with the required role '{role}'",
                    f"add a section with 'role: {role}' (required roles are set in [tool.pipeline])")
    if len(problems) > before or title is None or updated is None or article_id is None:
        return None
    return Article(article_id, display, title, introduction, tuple(sections), updated, line_of(fields["id"]))


def _date(r: _Reader, node: Node | None) -> dt.date | None:
    if node is None:
        return None
    if isinstance(node, ScalarNode) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", node.value.strip()):
        try:
            return dt.date.fromisoformat(node.value.strip())
        except ValueError:
            pass
    r.error(node, f"'{getattr(node, 'value', '')}' is not a date", "write the date as YYYY-MM-DD, e.g. 2025-06-06")
    return None


def _load_site(path: Path, display: str, required_roles: frozenset[str], problems: list[Problem]) -> Site | None:
    before = len(problems)
    node, found = compose(path, display)
    problems.extend(found)  # duplicate keys: reported, and the rest of the file is still checked
    if node is None:
        return None
    r = _Reader(display, problems)
    fields = r.mapping(node, "site.yaml", {"disclaimer": True, "labels": True})
    if fields is None:
        return None
    disclaimer = None
    d = r.mapping(fields["disclaimer"], "the disclaimer", {"heading": True, "body": True}) \
        if "disclaimer" in fields else None
    if d is not None:
        note = _required_note(DISCLAIMER_ROLE, required_roles)

        def make(kind: str, node: Node, text: str, extra: str = "") -> Message:
            return Message(SITE_DOMAIN, "disclaimer", DISCLAIMER_ROLE, kind, text, display, line_of(node),
                           " ".join(x for x in ("The medical disclaimer shown on every article.", extra, note) if x))

        heading_text = r.text(d.get("heading"), "disclaimer heading")
        blocks = _body(r, d.get("body"), "the disclaimer", make)
        if heading_text is not None:
            disclaimer = Section("disclaimer", DISCLAIMER_ROLE, make("heading", d["heading"], heading_text),
                                 blocks, line_of(fields["disclaimer"]))
    labels: dict[str, Message] = {}
    node_labels = fields.get("labels")
    if node_labels is not None:
        lab = r.mapping(node_labels, "labels", {name: True for name in REQUIRED_LABELS})
        for name, value in (lab or {}).items():
            text = r.text(value, f"label '{name}'")
            if text is None:
                continue
            expected = LABEL_PLACEHOLDERS.get(name, set())
            found_names = set(PLACEHOLDER.findall(text))
            if found_names != expected:
                for missing in sorted(expected - found_names):
                    r.error(value, f"label '{name}' must contain the {{{missing}}} placeholder")
                for unknown in sorted(found_names - expected):
                    r.error(value, f"label '{name}' has an unknown placeholder {{{unknown}}}",
                            "only the 'updated' label takes a placeholder: {date}")
                continue
            labels[name] = Message(SITE_DOMAIN, f"labels/{name}", None, "label", text, display,
                                   line_of(value), f"Page label '{name}': {REQUIRED_LABELS[name]}.")
    if len(problems) > before or disclaimer is None:
        return None
    return Site(display, disclaimer, labels)


def article_key(display: str, data: bytes, required_roles: frozenset[str]) -> str:
    """What an article read from ``data`` depends on: its file name, its bytes, the required roles."""
    return _article_key(display, content_hash(data), required_roles)


def content_hash(data: bytes) -> str:
    """A file's bytes hashed as the build's stamps hash them, in hex."""
    return fsutil.content_hash(data).hex()


def _article_key(display: str, hashed: str, required_roles: frozenset[str]) -> str:
    return "|".join((display, hashed, ",".join(sorted(required_roles))))


def load_site(root: Path, required_roles: frozenset[str]) -> Site:
    """Only ``source/site.yaml``: for a caller that knows the articles did not change."""
    problems: list[Problem] = []
    site = _load_site(root / "source" / "site.yaml", "source/site.yaml", required_roles, problems)
    if problems or site is None:
        raise SourceError(problems or [Problem("the site strings are missing", "source/site.yaml")])
    return site


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, by file, line and message."""
    return sorted(set(problems), key=lambda p: (p.path or "", p.line or 0, p.message))


def load_article(root: Path, display: str, required_roles: frozenset[str]) -> Article:
    """Only one article file (``display``, under the root): for a caller that validated
    ``source/`` and no longer has the article parsed (a damaged parse cache). Raises
    :class:`SourceError` if the file is no longer a valid article."""
    problems: list[Problem] = []
    article = _load_article(root / display, display, required_roles, problems)
    if problems or article is None:
        raise SourceError(_in_order(problems) or [Problem("cannot read the article", display)])
    return article


def load_sources(
    root: Path,
    required_roles: frozenset[str] = frozenset({DISCLAIMER_ROLE, "risks"}),
    cache: dict | None = None,
) -> Sources:
    """Load and validate ``root/source``; raise :class:`SourceError` listing every problem.

    ``cache`` (a mapping the caller keeps, e.g. across builds: a dict, or
    :class:`pipeline.buildstate.ParsedCache`) holds articles by :func:`article_key`: the
    file's name, a hash of its bytes and the required roles. An article whose file did not
    change is not parsed again. Checks across files (duplicate ids) run every time.
    """
    site, articles, digest = _load(root, required_roles, cache, held=lambda article, key: article)
    return Sources(site, tuple(articles), digest)


def load_project_sources(project) -> Sources:
    """:func:`load_sources` of a project, through its parse cache (``.pipeline-cache/parsed.pack``,
    safe to delete): an article whose file did not change since a command or a build last read
    it is not parsed again (at 1,000 articles, 0.6 to 1 s of every command that reads source/).
    What was parsed is kept even when another file is invalid."""
    from pipeline.buildstate import parse_cache

    cache = parse_cache(project.root)
    try:
        return load_sources(project.root, project.config.required_roles, cache)
    finally:
        cache.flush()


def validate_sources(root: Path, required_roles: frozenset[str], cache,
                     validated: dict[str, tuple[str, str]] | None = None,
                     parse: "Parse | None" = None) -> tuple[Site, list[list[str]], str]:
    """:func:`load_sources` without holding the articles: each is validated (and put in
    ``cache``, from which the caller loads those it needs), then let go. Returns the site
    strings, each article's ``[id, path]`` sorted by id, and the digest of ``source/``.
    For a build, whose workers load a job's articles at a time: 1,000 articles held at
    once took 22 MB.

    ``validated``: the article files an earlier validation found valid, by path, with the
    :func:`content_hash` of their bytes then and their id. One whose bytes hash the same is
    valid still (an article is checked against its own file and the required roles alone,
    which are part of the build's key for everything), and is neither loaded nor parsed:
    a rebuild after one of 1,000 articles changed unpickled the other 999 (0.1 to 0.15 s).
    Its id still takes part in the check for duplicate ids.

    ``parse``: how to parse the articles neither validated before nor in ``cache`` (a build
    hands them to its workers, :data:`Parse`); one at a time here without it."""
    return _load(root, required_roles, cache, held=lambda article, key: [article.id, article.path],
                 validated=validated, parse=parse)


@dataclass(frozen=True, slots=True)
class ParsedHead:
    """What validating ``source/`` keeps of an article parsed in another process (its pickle
    goes to the parse cache as it is): what the duplicate-id check and the caller's ``held``
    read of an :class:`Article`."""

    id: str
    path: str
    line: int
    updated: dt.date


# A parser of articles elsewhere (a build's workers): given the articles' (path, display)
# and the required roles, each article's (display, problems, pickle or None, ParsedHead or
# None) as :func:`parse_articles` makes them, in the order given; or None to parse them here.
Parse = Callable[[list[tuple[str, str]], frozenset[str]], "Iterator[tuple] | None"]


def parse_articles(items: list[tuple[str, str]], required_roles: frozenset[str]) -> list[tuple]:
    """Parse and validate these article files (path, display), for :data:`Parse`: each one's
    display, its problems, its article pickled as the parse cache keeps it (when it has no
    problem) and its :class:`ParsedHead` (when it was read at all)."""
    import pickle

    made = []
    for path, display in items:
        problems: list[Problem] = []
        article = _load_article(Path(path), display, required_roles, problems)
        blob = (pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
                if article is not None and not problems else None)
        head = ParsedHead(article.id, article.path, article.line, article.updated) if article is not None else None
        made.append((display, problems, blob, head))
    return made


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """An article validated and let go: where to load it again from, and its date."""

    id: str
    path: str
    key: str  # its article_key: the parse cache holds it under this key
    updated: dt.date


def scan_sources(root: Path, required_roles: frozenset[str], cache) -> tuple[Site, list[ArticleFile], str]:
    """:func:`validate_sources` for a caller that then goes through every article, one at a
    time (:func:`load_scanned`), and needs each one's ``updated`` date beforehand: for
    ``pipeline extract``, whose site template is dated by the latest article. Every article
    is validated and put in ``cache`` (a :class:`pipeline.buildstate.ParsedCache`) before
    the first is loaded again, so that a caller writes nothing when any file is invalid."""
    return _load(root, required_roles, cache,
                 held=lambda article, key: ArticleFile(article.id, article.path, key, article.updated))


def load_scanned(root: Path, found: ArticleFile, required_roles: frozenset[str], cache) -> Article:
    """The article :func:`scan_sources` found, from the parse cache; parsed from its file
    again if the cache could not keep it (a disk that refused the cache's temporary file)."""
    article = cache.get(found.key)
    return article if article is not None else load_article(root, found.path, required_roles)


def _load(root: Path, required_roles: frozenset[str], cache, held: Callable[[Article, str], object],
          validated: dict[str, tuple[str, str]] | None = None, parse: Parse | None = None
          ) -> tuple[Site, list, str]:
    """Validate ``root/source``; each valid article is let go once ``held(article, key)``
    (its :func:`article_key`) has made what the caller keeps of it, in the list returned
    (``held`` reads only an article's id, path, line and date: an article ``parse`` parsed
    elsewhere is a :class:`ParsedHead`)."""
    problems: list[Problem] = []
    source_dir = root / "source"
    site_path = source_dir / "site.yaml"
    site = None
    if not site_path.is_file():
        problems.append(Problem("the site strings are missing", "source/site.yaml", None,
                                "create source/site.yaml with the disclaimer and the page labels"))
    else:
        site = _load_site(site_path, "source/site.yaml", required_roles, problems)
    articles: list[tuple[str, object]] = []  # (id, what the caller holds of the article)
    article_dir = source_dir / "articles"
    files = sorted(p for p in article_dir.glob("*") if p.suffix in (".yaml", ".yml")) if article_dir.is_dir() else []
    if not files:
        problems.append(Problem("no articles found", "source/articles", None,
                                "add one YAML file per article, e.g. source/articles/discogram.yaml"))
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    if site_path.is_file():
        try:
            digest.update(b"source/site.yaml\0" + site_path.read_bytes() + b"\0")
        except OSError:
            pass  # reported by _load_site, which could not read it either
    read: list[tuple[Path, str, str, str]] = []  # each file read: its path, display, hash and key
    for path in files:
        display = f"source/articles/{path.name}"
        try:
            data = path.read_bytes()
        except OSError as exc:  # a folder named like an article, a file nobody may read
            problems.append(Problem(f"cannot read file: {exc.strerror}", display, None,
                                    "each article is one YAML file" if path.is_dir() else None))
            continue
        digest.update(display.encode() + b"\0" + data + b"\0")
        hashed = content_hash(data)
        read.append((path, display, hashed, _article_key(display, hashed, required_roles)))
    # The articles neither validated before nor in the cache, parsed by ``parse`` (a build's
    # workers, while this process waits) where it takes them; in file order, below, they are
    # taken as they come, and any other is parsed here.
    parsed, todo = None, []
    if parse is not None:
        todo = [(str(path), display) for path, display, hashed, key in read
                if (validated or {}).get(display, ("",))[0] != hashed and (cache is None or key not in cache)]
        parsed = parse(todo, required_roles) if todo else None
    given = {display for _, display in todo} if parsed is not None else set()
    waiting: dict[str, tuple] = {}

    def parsed_elsewhere(display: str) -> tuple | None:
        """What ``parse`` made of this file, if it was given it. Its results come in the order
        the files were given, the order they are asked for here; one that came sooner than
        asked for would wait in ``waiting``."""
        if display not in given:
            return None
        while display not in waiting:
            made = next(parsed, None)
            if made is None:
                break
            waiting[made[0]] = made[1:]
        return waiting.pop(display, None)

    for path, display, hashed, key in read:
        known = validated.get(display) if validated else None
        if known is not None and known[0] == hashed and known[1] not in seen:
            seen[known[1]] = display
            articles.append((known[1], [known[1], display]))
            if cache is not None:
                cache.keep(key)  # not read here, but used: the pack keeps it
            continue
        article = cache.get(key) if cache is not None else None
        made = parsed_elsewhere(display) if article is None else None
        if made is not None:
            found, blob, article = made
            problems.extend(found)
            if cache is not None and blob is not None:
                cache.put_pickled(key, blob)
        elif article is None:
            before = len(problems)
            article = _load_article(path, display, required_roles, problems)
            if cache is not None and article is not None and len(problems) == before:
                cache[key] = article
        if article is None:
            continue
        if article.id in seen:
            problems.append(Problem(f"duplicate article id '{article.id}' (also in {seen[article.id]})",
                                    display, article.line))
            continue
        seen[article.id] = display
        articles.append((article.id, held(article, key)))
    if problems:
        raise SourceError(_in_order(problems))
    assert site is not None
    articles.sort(key=lambda pair: pair[0])
    return site, [kept for _, kept in articles], digest.hexdigest()


class PartialSources(Sources):
    """Sources whose articles come, on demand, from the parse cache, where a validation of
    source/ (:func:`validate_sources`: the command's own or, for a build when source/ is byte
    for byte the same, the last build's) put them. Only the articles asked for are loaded, and
    held until :meth:`keep_only` lets them go: neither a build, its workers nor ``check`` hold
    all of them (28 MB at 1,000). ``articles`` is empty: :meth:`domains` names them."""

    def __init__(self, root: Path, site: Site, digest_: str, articles: list, parsed,
                 roles: frozenset[str], keys: dict[str, str] | None = None) -> None:
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_paths", dict((a, p) for a, p in articles))
        # The parse cache's key of each article, where the validation gave them (scan_sources):
        # an article is then loaded without reading and hashing its file again.
        object.__setattr__(self, "_keys", keys or {})
        object.__setattr__(self, "_parsed", parsed)
        object.__setattr__(self, "_roles", roles)
        object.__setattr__(self, "_loaded", {})
        object.__setattr__(self, "_hashes", {})
        super().__init__(site, (), digest_)

    def article(self, article_id: str) -> Article:
        loaded = self.__dict__["_loaded"]
        article = loaded.get(article_id)
        if article is None:
            path = self.__dict__["_paths"][article_id]
            key = self.__dict__["_keys"].get(article_id)
            if key is not None:
                article = self.__dict__["_parsed"].get(key)
            else:
                data = (self.__dict__["_root"] / path).read_bytes()
                article = self.__dict__["_parsed"].get(article_key(path, data, self.__dict__["_roles"]))
                # The bundles' source hash starts from these bytes: the file is not read again
                # for each of an article's locales (21,000 reads in a cold build at 1,000 x 20).
                self.__dict__["_hashes"][article_id] = hashlib.sha256(data)
            if article is None:  # not in the cache after all: parse that file (it was valid when validated)
                article = load_article(self.__dict__["_root"], path, self.__dict__["_roles"])
            loaded[article_id] = article
        return article

    def file_hash(self, article_id: str):
        """The SHA-256 (a ``hashlib`` object) of the bytes the article was loaded from (read
        now, for an article loaded by its key)."""
        hashes = self.__dict__["_hashes"]
        if article_id not in hashes:
            self.article(article_id)
        if article_id not in hashes:
            hashes[article_id] = hashlib.sha256((self.__dict__["_root"] / self.__dict__["_paths"][article_id])
                                                .read_bytes())
        return hashes[article_id]

    def know(self, articles: list[tuple[str, str]]) -> None:
        """Know where these articles (id, path) are, to load them when asked for."""
        self.__dict__["_paths"].update(articles)

    def keep_only(self, article_ids) -> None:
        """Let go of the loaded articles but those of ``article_ids``."""
        loaded, hashes = self.__dict__["_loaded"], self.__dict__["_hashes"]
        for article_id in set(loaded).difference(article_ids):
            del loaded[article_id]
            hashes.pop(article_id, None)

    def domains(self) -> tuple[str, ...]:
        return (SITE_DOMAIN, *self.__dict__["_paths"])


@dataclass(frozen=True)
class ScannedSources:
    """``source/`` as :func:`scan_sources` validated it: the site strings, each article's id, path
    and key in the parse cache. Small enough to send with every job of a command that runs a
    locale a job (``check``, ``status``); :meth:`sources` gives the job sources that load each
    article when it is asked for."""

    root: Path
    site: Site
    digest: str
    articles: tuple[tuple[str, str], ...]  # (id, path), sorted by id
    keys: dict[str, str]
    roles: frozenset[str]

    def sources(self) -> PartialSources:
        from pipeline.buildstate import parse_cache

        return PartialSources(self.root, self.site, self.digest, list(self.articles), parse_cache(self.root),
                              self.roles, keys=self.keys)
