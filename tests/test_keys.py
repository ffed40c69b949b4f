"""The [keys] table: binding ids found from the code, keys checked before Textual sees them."""

from __future__ import annotations

import pytest

from pkgtui.keys import binding_ids, check_keymap, key_problem


def test_every_binding_has_a_unique_id_and_they_are_all_found():
    ids = binding_ids()
    # One from each layer: the app, a screen, a widget.
    assert {"app.quit", "screen.back", "grid.sort", "table.down"} <= set(ids)
    assert all("." in binding_id for binding_id in ids)


@pytest.mark.parametrize(
    "keys", ["ctrl+s", "j,down", "question_mark", "?", "f1", "ctrl+shift+up", "pageup", "Z"]
)
def test_keys_textual_can_bind_pass(keys):
    assert key_problem(keys) is None


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ("", "empty"),
        ("a,,b", "empty"),
        ("hyperx+a", "unknown modifier"),
        ("nosuchkey", "unknown key name"),
        ("\x1b", "not a key"),
        (",".join("abcdefghij"), "more than"),
    ],
)
def test_bad_keys_say_why(keys, says):
    assert says in (key_problem(keys) or "")


def test_check_keymap_keeps_the_good_entries_and_warns_once_per_bad_one():
    known = binding_ids()
    keymap, warnings = check_keymap(
        {"grid.sort": "o", "no.such.id": "x", "app.quit": 3, "screen.help": "nosuchkey"}, known
    )
    assert keymap == {"grid.sort": "o"}
    assert len(warnings) == 3
    assert any("'no.such.id' is not a binding id" in w for w in warnings)
    assert any(w.startswith("[keys] app.quit:") for w in warnings)
    assert any("screen.help" in w and "keeping 'question_mark'" in w for w in warnings)


def test_the_readme_lists_every_binding_id():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [binding_id for binding_id in binding_ids() if f"| `{binding_id}` |" not in readme]
    assert missing == []
