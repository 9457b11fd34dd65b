"""Text bound for a terminal: control characters shown as escapes, never sent raw.

A scenario name, a path or a --set value comes from a file someone emailed; a raw ESC in it
would drive the terminal (colours, cursor moves, a changed window title), a BEL would ring,
and a newline would split one message over two lines. Every line campsim prints goes
through :func:`printable`; emoji and other visible characters are kept as they are.
"""

from __future__ import annotations

import unicodedata

# Cc: C0/C1 controls (ESC, BEL, newline, DEL); Cf: invisible format characters (bidi overrides
# that reorder the line); Zl/Zp: line and paragraph separators; Cs: lone surrogates
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_KEPT = frozenset({"\u200d"})  # the zero-width joiner that glues emoji sequences together
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """``text`` on one line, every control character written as an escape (``\\x1b``, ``\\n``)."""
    text = str(text)
    if text.isprintable():  # the common case, and fast
        return text
    return "".join(_escape(c) if c not in _KEPT and unicodedata.category(c) in _HIDDEN else c for c in text)


def printable_lines(text: object) -> str:
    """Several lines, each made printable; the line breaks between them are kept."""
    return "\n".join(printable(line) for line in str(text).split("\n"))
