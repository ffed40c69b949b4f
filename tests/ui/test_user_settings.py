"""What the user chose survives a restart (the theme), and keys can be remapped ([keys])."""

from __future__ import annotations

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import create_app
from pkgtui.config import Config, load_config
from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW

from .conftest import settle


def _app(config: Config, user_data: UserDataFile | None = None):
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0)
    app = create_app(config, client=client, clock=lambda: FIXED_NOW, user_data=user_data)
    app.cursor_blink = False
    return app


async def test_the_theme_picked_in_one_run_is_the_theme_of_the_next(tmp_path):
    data = UserDataFile(tmp_path / "userdata.json")
    first = _app(Config(demo=True), data)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert first.theme == "textual-dark"
        first.theme = "nord"  # what picking it in the palette does
        await pilot.pause()
    assert UserDataFile(tmp_path / "userdata.json").read().theme == "nord"

    second = _app(Config(demo=True, theme="gruvbox"), UserDataFile(tmp_path / "userdata.json"))
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert second.theme == "nord"  # the saved choice wins over the config's default


async def test_starting_with_a_theme_does_not_write_the_user_data(tmp_path):
    app = _app(Config(demo=True, theme="gruvbox"), UserDataFile(tmp_path / "userdata.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
    assert not (tmp_path / "userdata.json").exists()


async def test_a_corrupt_user_data_file_is_reported_and_kept(tmp_path):
    (tmp_path / "userdata.json").write_text("{not json")
    app = _app(Config(demo=True), UserDataFile(tmp_path / "userdata.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("corrupt" in m or "cannot be read" in m or "not valid" in m for m in messages), messages
    backups = list(tmp_path.glob("userdata.json.corrupt-*"))
    assert [b.read_text() for b in backups] == ["{not json"]


async def test_a_remapped_key_runs_its_binding_and_bad_entries_warn_once_each(tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text('[keys]\n"app.quit" = "x"\n"no.such.binding" = "z"\n"screen.help" = "nosuchkey"\n')
    monkeypatch.setenv("PKGTUI_CONFIG", str(config_file))
    config = load_config(demo=True)
    assert config.warnings == ()
    app = _app(config, UserDataFile(tmp_path / "userdata.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        warnings = [n.message for n in app._notifications if "[keys]" in n.message]
        assert len(warnings) == 2
        assert any("'no.such.binding' is not a binding id" in w for w in warnings)
        assert any("screen.help" in w and "nosuchkey" in w for w in warnings)
        await pilot.press("q")  # no longer quits
        await pilot.pause()
        assert app.is_running
        await pilot.press("x")
        await pilot.pause()
    assert not app.is_running


def test_a_keys_entry_that_is_not_a_table_is_one_warning(tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text('keys = "x"\n')
    monkeypatch.setenv("PKGTUI_CONFIG", str(config_file))
    config = load_config()
    assert config.keys == ()
    assert len(config.warnings) == 1 and "keys must be a table" in config.warnings[0]
