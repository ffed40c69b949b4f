"""Remapping keys: the config file's ``[keys]`` table maps binding ids to keys, as Textual's
keymap does (``App.set_keymap``), checked first so a typo is one warning line, not a dead key.

Every ``Binding`` in pkgtui has an ``id`` (``"grid.sort"``, ``"screen.back"``, ...);
:func:`binding_ids` finds them all by walking pkgtui's Textual classes, so the README's list and
the check cannot drift from the code.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterator, Mapping

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Textual's own key names ("escape", "f1", "pageup", "ctrl+a", ...), without modifiers.
_NAMED_KEYS = frozenset(key.value.rpartition("+")[2] for key in Keys)
MAX_KEYS_PER_BINDING = 8  # a binding with more alternatives than this is a mistake, not a wish


def _pkgtui_classes() -> Iterator[type[DOMNode]]:
    """pkgtui's apps, screens and widgets (their modules imported, as Textual imports them lazily)."""
    import pkgtui

    for module in pkgutil.walk_packages(pkgtui.__path__, "pkgtui."):
        if module.name.split(".")[1] in ("app", "screens", "widgets", "commands"):
            importlib.import_module(module.name)
    seen: set[type[DOMNode]] = set()
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__.startswith("pkgtui."):
                    yield sub


def binding_ids() -> dict[str, Binding]:
    """Every binding id pkgtui defines, with its binding (the first class that names it)."""
    found: dict[str, Binding] = {}
    for cls in sorted(_pkgtui_classes(), key=lambda c: (c.__module__, c.__qualname__)):
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = binding
    return found


def key_problem(keys: str) -> str | None:
    """Why ``keys`` (e.g. ``"ctrl+s"`` or ``"j,down"``) is not a key Textual can bind, or None."""
    parts = [part.strip() for part in keys.split(",")]
    if not keys.strip() or any(not part for part in parts):
        return "is empty"
    if len(parts) > MAX_KEYS_PER_BINDING:
        return f"names more than {MAX_KEYS_PER_BINDING} keys"
    for part in parts:
        *modifiers, name = part.split("+") if len(part) > 1 else [part]
        unknown = [m for m in modifiers if m not in MODIFIERS]
        if unknown:
            return f"has an unknown modifier {unknown[0]!r} (known: {', '.join(sorted(MODIFIERS))})"
        if len(name) == 1:
            if not name.isprintable() or unicodedata.category(name).startswith("Z") and name != " ":
                return f"holds a character that is not a key: {name!r}"
            continue
        if name not in _NAMED_KEYS and key_to_character(name) is None:
            return f"has an unknown key name {name!r}"
    return None


def check_keymap(raw: Mapping[str, object], known: Mapping[str, Binding]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a ``[keys]`` table, and one warning line per entry left out."""
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in raw.items():
        if binding_id not in known:
            warnings.append(f"[keys] {binding_id!r} is not a binding id; see the README's list of ids")
            continue
        if not isinstance(keys, str):
            warnings.append(f'[keys] {binding_id}: the keys must be a string such as "ctrl+s" or "j,down"')
            continue
        problem = key_problem(keys)
        if problem is not None:
            warnings.append(f"[keys] {binding_id}: {keys!r} {problem}; keeping {known[binding_id].key!r}")
            continue
        keymap[binding_id] = keys.strip()
    return keymap, warnings
