"""User text made literal inside Markdown, so a rep's words are shown, never rendered."""

from __future__ import annotations

import re

# Characters that start Markdown (or Streamlit's :color[...] and $math$) anywhere in a line.
_MD_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>#|~$&!^])")
# Block markers that only count at the start of a line: lists, quotes, headings, rules.
_MD_LINE_START = re.compile(r"^([-+=>]|\d+(?=[.)]))", re.MULTILINE)
# Streamlit reads :name:, :material/name: and :color[...] from the raw text, before Markdown sees
# a backslash; an invisible word joiner after each such colon breaks them (and "http://" links).
_ST_SHORTCODE = re.compile(r":(?=\S)")
# The same joiner keeps "www.x.nl" and "anna@x.nl" from becoming links (GFM autolinks).
_AUTOLINK = re.compile(r"(?<=\bwww)(?=\.)|(?=@)", re.IGNORECASE)
# Streamlit turns "--" into a dash, "->" and "<-" into arrows, "<=" and ">=" into signs, after
# Markdown has read the text, so a backslash does not stop it; a joiner between the two does.
_ST_TYPOGRAPHY = re.compile(r"(?<=-)(?=-|\\>)|(?<=[<>])(?=[-=])")
WORD_JOINER = "\u2060"


def escape_markdown(text: object, *, streamlit: bool = True, inline: bool = False) -> str:
    """The text so that Markdown (and, with streamlit=True, st.markdown) shows it literally, with
    its own line breaks kept; inline=True makes it one line (table cells, messages)."""
    if text is None or text == "":
        return ""
    text = " ".join(str(text).split()) if inline else str(text)
    lines = [line.strip() for line in text.splitlines()]
    escaped = _MD_ANYWHERE.sub(r"\\\1", "\n".join(lines))
    escaped = _MD_LINE_START.sub(
        lambda m: m[1] + "\\" if m[1][0].isdigit() else "\\" + m[1], escaped
    )
    if streamlit:
        escaped = _ST_SHORTCODE.sub(":" + WORD_JOINER, escaped)
        escaped = _AUTOLINK.sub(WORD_JOINER, escaped)
        escaped = _ST_TYPOGRAPHY.sub(WORD_JOINER, escaped)
    # Two trailing spaces make a hard line break; an empty line stays a paragraph break.
    return "  \n".join(escaped.split("\n"))
