"""Read YAML as a tree of located nodes, refusing what PyYAML would silently accept.

PyYAML keeps the last of two duplicate keys and expands aliases without limit; both are
errors here. Everything else (types, required keys) is checked by :mod:`pipeline.source`
on the nodes this module returns, so every problem can name its line.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.errors import Problem

# A content editor's article is a few kilobytes; refuse anything absurd before parsing it.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
# An article is eight levels deep at most (article, sections, section, body, block, list,
# definition, text); far deeper is a mistake or an attack on whatever walks the tree.
MAX_DEPTH = 64


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class _Loader(yaml.SafeLoader):
    """A composer that never shares a node: each alias (``*name``) is recorded where it is used.

    PyYAML hands back the anchored node itself for every alias, so a "billion laughs"
    document becomes an exponential graph for whoever walks it; here an alias becomes an
    empty placeholder and a problem on its own line.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_lines: list[int] = []

    def compose_node(self, parent, index):  # noqa: ANN001 (PyYAML's signature)
        if self.check_event(AliasEvent):
            event = self.get_event()
            self.alias_lines.append(event.start_mark.line + 1)
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def _shares_nodes(root: Node) -> bool:
    """True when some node is reachable twice: the document used an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return False


def _parse(text: str) -> tuple[Node | None, list[int]]:
    # libyaml composes ~20x faster than the pure-Python composer. It is used only for what
    # it reads exactly as _Loader would: a valid document without aliases. Anything else
    # (a syntax error, an alias) goes through _Loader, whose messages and lines we report.
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            node = yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            node = None
        else:
            # A node is shared only through an alias of an anchor, and an anchor is written
            # with '&': a document without one has none, and needs no walk to show it.
            if node is not None and ("&" not in text or not _shares_nodes(node)):
                return node, []
    loader = _Loader(text)
    try:
        return loader.get_single_node(), loader.alias_lines
    finally:
        loader.dispose()


def compose(path: Path, display: str) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document into nodes; return it with the problems found on the way."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(f"cannot read file: {exc.strerror}", display)]
    if len(data) > MAX_SOURCE_BYTES:
        return None, [Problem(f"file is {len(data)} bytes; source files are limited to {MAX_SOURCE_BYTES}", display)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem("file is not valid UTF-8", display, line, "save the file as UTF-8")]
    try:
        node, alias_lines = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = str(exc.problem or exc.context or "invalid YAML")
        if exc.context and exc.context_mark and mark is not exc.context_mark:
            if "end of stream" in message:
                # The end of the file is no place to look for a quote that was never closed.
                message = f"{message} {exc.context} that starts on this line"
                mark = exc.context_mark
            else:
                message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        if "\t" in text and "tab" in message.lower() or "found character '\\t'" in message:
            hint = "YAML indentation must use spaces, not tabs"
        elif "quoted scalar" in message and "end of stream" in message:
            hint = "close the quote at the end of the text"
        else:
            hint = None
        return None, [Problem(f"invalid YAML: {message}", display, mark.line + 1 if mark else None, hint)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: no mark, but a position
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(f"invalid YAML: character U+{ord(char):04X} is not allowed in a YAML file", display,
                              line, "remove it (an invisible control character, often pasted in with the text)")]
    except yaml.YAMLError as exc:
        return None, [Problem(f"invalid YAML: {exc}", display)]
    except RecursionError:
        return None, [Problem("YAML is nested too deeply", display, None,
                              "an article needs only a few levels: sections, blocks, items")]
    if node is None:
        return None, [Problem("file is empty", display, 1)]
    if alias_lines:
        # The aliased parts are placeholders now; validating them would only add noise.
        return None, [Problem("YAML aliases (*name) are not allowed in source files", display, line,
                              "write the text out in full") for line in sorted(set(alias_lines))]
    problems: list[Problem] = []
    _check_tree(node, display, problems)
    return node, problems


def _check_tree(root: Node, display: str, problems: list[Problem]) -> None:
    """Duplicate keys anywhere in the tree, and a depth no article needs (a walk, not a recursion)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append(Problem("YAML is nested too deeply", display, line_of(node),
                                    "an article needs only a few levels: sections, blocks, items"))
            return
        if isinstance(node, MappingNode):
            keys: dict[str, Node] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    if key.value in keys:
                        problems.append(Problem(
                            f"duplicate key '{key.value}' (first defined on line {line_of(keys[key.value])})",
                            display, line_of(key), "YAML would silently keep only the last one; remove or rename one",
                        ))
                    else:
                        keys[key.value] = key
            stack.extend((value, depth + 1) for _, value in reversed(node.value))
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in reversed(node.value))
