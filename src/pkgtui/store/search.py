"""Turning what a user typed into a safe full-text query, and the keys exact matches use.

The query is never handed to FTS5's query language: quotes, ``*``, ``NEAR``, ``-``, ``^``,
parentheses and column filters would either raise a syntax error or change the meaning.
It is split into words here (letters and digits, as FTS5's unicode61 tokenizer splits
them) and each word is quoted, so the query means only "rows holding all these words, the
last as a prefix", whatever the input.
"""

from __future__ import annotations

import re

# Letters, digits and marks: what unicode61 keeps in a token ("_" separates, as there).
_WORD = re.compile(r"[^\W_]+")
# A query longer than this is cut: nobody types it, and it bounds the work of one search.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 16


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, in order."""
    return _WORD.findall(text[:MAX_QUERY_CHARS].casefold())[:MAX_QUERY_WORDS]


def key(text: str) -> str:
    """What two names must share to count as the same name: "Django OTP", "django-otp" and
    "django_otp" all give "django otp"."""
    return " ".join(_WORD.findall(text.casefold()))


def queries(query: str) -> tuple[str, str, str] | None:
    """For ``query``: its key (for exact title and slug matches), an FTS5 expression for
    titles and slugs that start with it, and one for rows holding all its words anywhere
    (each word a prefix). None when the query has no words at all (only punctuation,
    emoji or controls)."""
    terms = words(query)
    if not terms:
        return None
    # A word holds only letters and digits, so it cannot contain a double quote; quoted, it
    # is a plain word to FTS5 even when it reads NEAR, AND, OR or NOT.
    quoted = [f'"{term}"' for term in terms]
    starts = "{title slug} : ^" + " + ".join(quoted) + "*"
    anywhere = " ".join(f"{term}*" for term in quoted)
    return " ".join(terms), starts, anywhere
