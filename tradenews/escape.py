"""Text from the input (file names, sidecar values, article text) made safe for where it is shown.

- Terminals and logs: control characters (C0, DEL, C1) would move the cursor, recolour or clear the
  screen, and bidirectional overrides (U+202A-202E, U+2066-2069) reorder what a reader sees; they are
  written as escapes (`\\x1b`, `\\u202e`): `escape_controls`.
- Markdown (the CHANGELOG, the Prefect artifact): a name is shown as inline code whose fence is longer
  than any run of backticks inside it, so no name can end the code span and add headings, links or
  tables: `markdown_code`; free text is escaped character by character: `markdown_text`.
- CSV cells opened by a spreadsheet: `csv_text` (OWASP's advice on CSV injection): controls and bidi
  overrides escaped (tab and newline kept: they are text), and a cell that starts with `=`, `+`, `-`, `@`
  or a tab gets a leading `'`, so that no spreadsheet takes it for a formula.
"""
from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, bidirectional embeddings, overrides and isolates
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# what can start emphasis, code, links, HTML or a table cell inside a line (text is never put at a line start)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep: str = "") -> str:
    """`text` with every control and bidi-override character (but those in `keep`) written as a visible escape."""
    return CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def markdown_code(text: str) -> str:
    """`text` as a Markdown inline code span that nothing inside it can close."""
    text = escape_controls(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_text(text: str) -> str:
    """`text` as plain Markdown text: controls escaped, Markdown's punctuation backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape_controls(text))


# what makes a spreadsheet read a cell as a formula (OWASP, CSV injection); CR is escaped before this test
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A free-text value as its CSV cell holds it (the Parquet file keeps `text` exactly)."""
    text = escape_controls(text, keep="\t\n")
    return "'" + text if text.startswith(FORMULA_LEAD) else text
