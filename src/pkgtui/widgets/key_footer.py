"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer throws its keys away and builds new ones every time the screen says its
bindings were updated: on every focus move and every ``refresh_bindings()``, ~20 ms each
time on this machine. While home starts, that happened four times in a row with the same
five keys, right when the categories arrived and were to be painted.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._composed_for: Hashable | None = None

    def shown_keys(self) -> tuple[Hashable, ...]:
        """Everything :meth:`Footer.compose` reads: the same value means the same footer."""
        app = self.app
        shown = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return shown, self.show_command_palette, app.ENABLE_COMMAND_PALETTE

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown != self._composed_for:
            self._composed_for = shown
            await self.recompose()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # FooterKey's compact watcher adds this class after mounting, and each such
                # change restyles the key (~1 ms); present from the start, it changes nothing.
                widget.set_class(self.compact, "-compact", update=False)
            yield widget
