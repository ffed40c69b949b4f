"""The message box changes only what changes: each update re-lays out the screen."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pkgtui.widgets import MessageBox


class MessageApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MessageBox()


async def test_the_same_message_again_leaves_the_box_alone(monkeypatch):
    app = MessageApp()
    async with app.run_test(size=(60, 5)) as pilot:
        box = app.query_one(MessageBox)
        updates: list[str] = []
        update = box.update
        monkeypatch.setattr(
            box, "update", lambda text="", **kw: (updates.append(str(text)), update(text, **kw))
        )
        box.show_loading("Loading…")
        box.show_loading("Loading…")
        await pilot.pause()
        assert box.display and box.has_class("-loading") and box.text == "Loading…"
        box.show_loading("Loading more…")
        box.show_error("It broke")
        await pilot.pause()
        assert box.has_class("-error") and not box.has_class("-loading")
        box.clear()
        box.clear()
        await pilot.pause()
        assert not box.display and box.kind == ""
        assert updates == ["Loading…", "Loading more…", "It broke", ""]
