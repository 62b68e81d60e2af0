"""Text from the data shown as text on screen, never as markup (Markdown or HTML injection).

File names, headers, cell values, org-unit and pay-group names come from uploads. Streamlit
renders messages, captions and headings as Markdown, and Plotly renders a subset of HTML in
every chart text (`<a href>`, `<span style>`, `<br>`): an org unit named
`<a href="https://evil.example">Klick</a>` showed a link in a chart, a file name
`![](http://host/pixel.png)` loaded an image from another site. `safe_export` protects
spreadsheets against formulas; this module protects the screen, and the deck's chart pictures.
"""

from __future__ import annotations

import re
from html import escape

# CommonMark reads every backslash-escaped ASCII punctuation character as that character. Escaping
# all of them also disarms what Streamlit adds to Markdown: `$` (LaTeX), `:red[…]` and
# `:material/…:` (directives).
_ASCII_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Escaping alone is not enough: after parsing, Streamlit turns ":smile:" into an emoji and
# remark-gfm turns "www.x.de", "https://x.de" and "a@x.de" in the text into links. An invisible
# word joiner after "www", after a colon before text and after an "@" breaks each pattern.
_AFTER_PATTERN_OPENING = re.compile(r"(?<=www)(?=\.)|(?<=:)(?=\S)|(?<=@)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
# control characters (TAB, NUL, ESC, …) and the Unicode line separators; a newline is kept
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")
_BULLET = re.compile(r"\s*-\s+(.*)")


def markdown_literal(text: str) -> str:
    """One line of text as Markdown that renders exactly as this text (inline)."""
    flat = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", " ")
    return _ASCII_PUNCTUATION.sub(r"\\\1", _AFTER_PATTERN_OPENING.sub(_WORD_JOINER, flat))


def markdown_text(text: str) -> str:
    """Plain text, as the import reports and summaries are written, as Markdown that shows it:
    each line as a line of its own (a hard break), a line "  - …" as a bullet, and nothing in
    it read as Markdown or HTML."""
    lines: list[str] = []
    for line in _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        bullet = _BULLET.fullmatch(line)
        if bullet:
            lines.append(f"- {markdown_literal(bullet.group(1))}")
        elif line.strip():
            # a line after a bullet needs a blank line, or it continues the bullet's text
            if lines and lines[-1].startswith("- "):
                lines.append("")
            lines.append(markdown_literal(line.strip()) + "  ")
    return "\n".join(lines).rstrip()


def plotly_text(text: object) -> str:
    """A label, category, legend entry or hover text for Plotly, shown as it is: Plotly reads
    `<…>` as its HTML subset and `&…;` as entities, and turns `&lt;` `&gt;` `&amp;` back."""
    return escape(str(text), quote=False)
