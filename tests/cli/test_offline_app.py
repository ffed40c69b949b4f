"""The TUI with --offline gets a client whose transport refuses at once: the screens show
their own no-connection words, and the test server sees no request."""

from __future__ import annotations

from pkgtui.app import create_app
from pkgtui.config import load_config
from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW
from tests.server import LocalAPI
from tests.ui.conftest import settle


def _screen_text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


async def test_the_app_offline_asks_nothing_and_says_so(tmp_path):
    with LocalAPI() as server:
        config = load_config(api_url=server.url, offline=True, env={})
        app = create_app(config, clock=lambda: FIXED_NOW, user_data=UserDataFile(tmp_path / "u.json"))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            text = _screen_text(app)
        assert server.log.paths == []
    assert "offline" in text, text
    # The user chose offline: the words are about the catalogue, not a broken network.
    assert "check the network" not in text and "pkgtui sync" in text, text
