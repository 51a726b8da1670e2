"""Read YAML as a tree of located nodes, refusing what PyYAML would silently accept.

PyYAML keeps the last of two duplicate keys and expands aliases without limit; both are
errors here. Everything else (types, required keys) is checked by :mod:`pipeline.source`
on the nodes this module returns, so every problem can name its line.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pipeline.errors import Problem

# A content editor's article is a few kilobytes; refuse anything absurd before parsing it.
MAX_SOURCE_BYTES = 2 * 1024 * 1024


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = str(exc.problem or exc.context or "invalid YAML")
        if "\t" in text and "tab" in message.lower() or "found character '\\t'" in message:
            hint = "YAML indentation must use spaces, not tabs"
        else:
            hint = None
        return None, [Problem(f"invalid YAML: {message}", display, mark.line + 1 if mark else None, hint)]
    except yaml.YAMLError as exc:
        return None, [Problem(f"invalid YAML: {exc}", display)]
    if node is None:
        return None, [Problem("file is empty", display, 1)]
    problems: list[Problem] = []
    _check_tree(node, display, problems, set())
    return node, problems


def _check_tree(node: Node, display: str, problems: list[Problem], seen: set[int]) -> None:
    # An alias makes the composer hand back the same node object again; visiting each
    # object once keeps a "billion laughs" document linear, and we report the alias.
    if id(node) in seen:
        problems.append(Problem("YAML aliases (*name) are not allowed in source files", display, line_of(node),
                                "write the text out in full"))
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        keys: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in keys:
                    problems.append(Problem(
                        f"duplicate key '{key.value}' (first defined on line {keys[key.value]})",
                        display, line_of(key), "YAML would silently keep only the last one; remove or rename one",
                    ))
                else:
                    keys[key.value] = line_of(key)
            _check_tree(value, display, problems, seen)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tree(item, display, problems, seen)
