"""The framework's floor: the least a Textual app can do, paint one label.

Run as a script (not ``-m``, so the ``bench`` package is not imported): start-up of the
real app is compared against this, started the same way on the same pseudo-terminal.
"""

from textual.app import App, ComposeResult
from textual.widgets import Label

MARKER = "bare-textual-floor"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label(MARKER)


if __name__ == "__main__":
    BareApp().run()
