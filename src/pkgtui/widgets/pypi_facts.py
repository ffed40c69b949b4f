"""What PyPI says about a package, as labelled lines: the latest version and its date, the
licence, the Django and Python versions its classifiers declare, its development status, and
whether the latest release is yanked; or, when there are no facts, why, in words.

Pure functions of :class:`~pkgtui.api.pypi.PyPIFacts` (the screen reads them from the store);
every string is PyPI's, already cleaned by the parser, and is shown literally (``Text``,
never markup).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from rich.text import Text

from ..format import dated, format_count
from ..text import clean

if TYPE_CHECKING:
    from ..api.pypi import PyPIFacts

LABEL_WIDTH = 14
NONE_DECLARED = "none declared"
# Runs of declared versions longer than this (a list with many gaps; classifiers are bounded
# at 1,000, not at a line) become the lowest and highest, marked as having gaps.
MAX_RANGE_CHARS = 40


def field_line(label: str, value: str | Text) -> Text:
    """``Label         value``: the label dim and padded, the value literal."""
    return Text.assemble((label.ljust(LABEL_WIDTH), "dim"), value)


def versions_text(versions: tuple[str, ...], product: Literal["django", "python"]) -> str:
    """``4.2–5.2``, ``3.2, 4.2–5.2``; with many gaps ``1.0–5.2 (with gaps)``; or none."""
    # Imported here: the parser's module brings httpx with it, and facts exist only once
    # something from PyPI was read (the store imported it then).
    from ..readiness import format_range, format_span

    runs = format_range(versions, product)
    if len(runs) > MAX_RANGE_CHARS:
        return f"{format_span(versions)} (with gaps)"
    return runs or NONE_DECLARED


def pypi_lines(
    facts: PyPIFacts | None,
    problem: str | None,
    now: datetime,
    *,
    name: str | None = None,
    pending: str | None = None,
) -> list[Text]:
    """The PyPI lines of the package screen.

    ``problem`` is why there are no facts, or why the last fetch failed (then the kept facts
    are shown, and the failure under them); ``name`` is the PyPI project asked for (it may
    differ from the package's slug); ``pending`` says what is under way (a fetch) when
    nothing is kept yet."""
    if facts is None:
        words = clean(pending or problem or "no facts kept")
        if name and not pending:
            words = f"{clean(name)}: {words}"
        return [field_line("PyPI", Text(words, style="dim"))]

    head = Text(clean(facts.name))
    head.append(" ")
    head.append(clean(facts.version or "") or "(no version)", style="bold")
    if facts.yanked:
        reason = clean(facts.yanked_reason or "")
        head.append(f"  yanked{': ' + reason if reason else ''}", style="red")
    released = Text(dated(facts.released, now))
    releases = facts.release_count
    released.append(f" · {format_count(releases)} release{'' if releases == 1 else 's'}", style="dim")
    python = Text(versions_text(facts.python_versions, "python"))
    if facts.requires_python:
        python.append(f"  requires {clean(facts.requires_python)}", style="dim")
    lines = [
        field_line("PyPI", head),
        field_line("Released", released),
        field_line("License", clean(facts.license or "") or "–"),
        field_line("Django", versions_text(facts.django_versions, "django")),
        field_line("Python", python),
        field_line("Status", clean(facts.development_status_label or "") or "–"),
    ]
    if problem:
        lines.append(
            field_line("Last fetch", Text(f"failed: {clean(problem)} (kept facts shown)", style="yellow"))
        )
    return lines
