"""Built pages in a real browser (issue 4, point 7): Debian's headless Chromium.

Direction, visible headings and disclaimer, no sideways scrolling on a phone, and not a
single network request. Screenshots go to tests/artifacts/ (gitignored) for a person to
look at. Skips, saying why, where chromium is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import ARTIFACTS, Chromium, chromium_or_skip
from fixtures.build.content import set_translation, translated_root
from pipeline.build import build
from pipeline.project import Project

NOT_REQUIRED = "Assess the integrity and structure of the spinal discs"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    executable = chromium_or_skip()
    with Chromium(executable, tmp_path_factory.mktemp("chromium") / "profile") as browser:
        yield browser


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """en, fr and ar (machine-drafted, with one message fallen back to English)."""
    root = translated_root(tmp_path_factory.mktemp("browser") / "root", ("fr", "ar"),
                           origin={"ar": "machine-drafted"})
    set_translation(root, "ar", "discogram", NOT_REQUIRED, "")
    build(Project.open(root))
    return root / "dist"


def _check_page(page, direction: str) -> None:
    assert page.requests == []
    assert page.violations == []
    assert page.direction() == direction
    assert page.evaluate("document.documentElement.dir") == direction
    # The text runs from the right edge in rtl, from the left edge in ltr.
    edges = page.text_edges("h1")
    if direction == "rtl":
        assert abs(edges["text_right"] - edges["box_right"]) < 1.5, edges
        assert edges["text_left"] - edges["box_left"] > 1.5, edges
    else:
        assert abs(edges["text_left"] - edges["box_left"]) < 1.5, edges
    # Headings and the disclaimer are there for the reader to see, the disclaimer last.
    headings = page.visible("h1, h2")
    assert len(headings) >= 8 and [h for h in headings if not h["visible"]] == []
    disclaimer = page.visible("#disclaimer")
    assert [d["visible"] for d in disclaimer] == [True]
    paragraphs = page.visible("#disclaimer p")
    assert len(paragraphs) == 4 and all(p["visible"] for p in paragraphs)
    article = page.visible("article")[0]
    assert disclaimer[0]["top"] >= article["bottom"]
    layout = page.layout()
    assert disclaimer[0]["bottom"] <= layout["height"]
    # Nothing sticks out sideways: readable without horizontal scrolling.
    assert layout["document"] <= layout["viewport"], layout


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_arabic_page_runs_right_to_left(chromium, dist, size_name, size):
    page = chromium.open(dist / "ar" / "discogram.html", **size)
    _check_page(page, "rtl")
    # The English fallback inside the Arabic page runs left to right, in an item that stays
    # in line with its neighbours (its marker on the right, like theirs).
    assert page.direction('li[lang="en"] > span') == "ltr"
    assert page.direction('li[lang="en"]') == "rtl"
    items = page.visible("#purpose li")
    assert [i["text"] for i in items][1] == NOT_REQUIRED
    edges = page.text_edges('li[lang="en"]')
    assert abs(edges["text_right"] - edges["box_right"]) < 1.5, edges  # aligned as the page, not flung left
    # The machine-drafted note is the first thing after the title.
    notes = page.visible(".note")
    assert len(notes) == 2 and all(n["visible"] for n in notes)
    assert notes[0]["top"] < page.visible("#purpose")[0]["top"]
    page.screenshot(ARTIFACTS / f"article-ar-{size_name}.png")
    page.close()


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("desktop", DESKTOP)])
def test_english_page_runs_left_to_right(chromium, dist, size_name, size):
    page = chromium.open(dist / "en" / "discogram.html", **size)
    _check_page(page, "ltr")
    assert page.visible(".note") == []
    page.screenshot(ARTIFACTS / f"article-en-{size_name}.png")
    page.close()


def test_index_page_makes_no_request(chromium, dist):
    page = chromium.open(dist / "index.html", **PHONE)
    assert (page.requests, page.violations) == ([], [])
    assert page.direction() == "ltr"
    assert page.direction('section[lang="ar"]') == "rtl"
    links = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    assert links == ["en/discogram.html", "ar/discogram.html", "fr/discogram.html"]
    page.screenshot(ARTIFACTS / "index-phone.png")
    page.close()


def test_the_request_detector_sees_requests(chromium, tmp_path):
    """The no-request assertions above can fail: a page that fetches, or whose fetch a CSP stops, is seen."""
    fetching = tmp_path / "fetching.html"
    fetching.write_text('<!DOCTYPE html><html><body><h1>x</h1><img src="http://127.0.0.1:9/a.png"></body></html>',
                        encoding="utf-8")
    page = chromium.open(fetching)
    assert page.requests == ["http://127.0.0.1:9/a.png"]
    page.close()

    guarded = tmp_path / "guarded.html"
    guarded.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                       'content="default-src \'none\'"></head><body><link rel="stylesheet" '
                       'href="https://example.invalid/a.css"></body></html>', encoding="utf-8")
    page = chromium.open(guarded)
    assert any("Content Security Policy" in v or "ContentSecurityPolicy" in v for v in page.violations), \
        page.violations
    page.close()
