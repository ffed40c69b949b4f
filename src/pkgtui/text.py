"""Making untrusted text safe to show: no escape sequences, no control characters.

Every string from the API passes through :func:`clean` before it reaches a terminal,
whether the TUI (which also shows it as literal text, never as markup) or the plain
output of the quick-lookup commands.
"""

from __future__ import annotations

import re

# CSI, OSC, DCS/SOS/PM/APC strings, and two-byte ESC sequences; also their 8-bit C1 forms.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI ... final byte
  | \x9b[0-?]*[ -/]*[@-~]?              # 8-bit CSI
  | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL or ST
  | \x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?
  | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC ... ST
  | [\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?
  | \x1b[ -/]*[0-~]?                    # other ESC sequences (and a lone ESC)
    """,
    re.VERBOSE,
)
# C0 and C1 controls, DEL, and the bidirectional overrides/isolates that can reorder
# what a line appears to say.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_WHITESPACE = re.compile(r"[\t\r\n\f\v]+")


def clean(text: object, *, multiline: bool = False) -> str:
    """``text`` with escape sequences and control characters removed.

    Line breaks become spaces unless ``multiline``, where ``\\r\\n`` becomes ``\\n``.
    Anything that is not a string becomes "".
    """
    if not isinstance(text, str):
        return ""
    # Every escape sequence starts with ESC or a C1 control, and every character removed
    # below is a control or format character: printable text has none of them.
    if text.isprintable():
        return text.strip()
    text = _ESCAPES.sub("", text)
    if multiline:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(_CONTROLS.sub("", _WHITESPACE.sub(" ", line)) for line in lines).strip()
    return _CONTROLS.sub("", _WHITESPACE.sub(" ", text)).strip()


def is_web_url(url: object) -> bool:
    """Only http(s) URLs are ever opened or offered as links."""
    if not isinstance(url, str):
        return False
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and url == clean(url)
