"""``pkgtui paths`` and ``pkgtui cache clear``: where the files are, and emptying the cache dir
without ever reaching the config or the user's data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pkgtui import housekeeping, paths
from pkgtui.cli import build_parser, main
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_OK, EXIT_USAGE
from pkgtui.userdata import UserDataFile
from tests.cli.conftest import TerminalStream


def run(*argv: str, answer: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``pkgtui ARGV`` in-process; ``answer`` is typed at a terminal, else stdin is a pipe."""
    args = build_parser().parse_args(list(argv))
    stdin = TerminalStream(answer) if answer is not None else io.StringIO("")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = housekeeping.run(
        args,
        build_parser(),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        env=os.environ if env is None else env,
    )
    return code, stdout.getvalue(), stderr.getvalue()


def pkgtui(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pkgtui", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | (env or {}),
    )


def test_paths_prints_every_location_one_a_line(tmp_path):
    code, out, err = run("paths")
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        f"config file      {tmp_path}/xdg-config/pkgtui/config.toml",
        f"cache dir        {tmp_path}/xdg-cache/pkgtui",
        f"HTTP cache       {tmp_path}/xdg-cache/pkgtui/http-cache.sqlite",
        f"catalogue store  {tmp_path}/xdg-cache/pkgtui/catalogue.sqlite",
        f"user data dir    {tmp_path}/xdg-data/pkgtui",
        f"user data file   {tmp_path}/xdg-data/pkgtui/userdata.json",
        "log file         (off)",
    ]


def test_paths_json_names_the_same_files_the_app_uses(tmp_path, monkeypatch):
    monkeypatch.setenv("PKGTUI_LOG", str(tmp_path / "pkgtui.log"))
    monkeypatch.setenv("PKGTUI_CONFIG", str(tmp_path / "elsewhere.toml"))
    result = pkgtui("paths", "--json")
    assert (result.returncode, result.stderr) == (EXIT_OK, "")
    found = json.loads(result.stdout)
    config = load_config()
    assert found == {
        "config_file": str(config.config_path),
        "cache_dir": str(tmp_path / "xdg-cache" / "pkgtui"),
        "http_cache": str(config.cache_file),
        "catalogue": str(tmp_path / "xdg-cache" / "pkgtui" / "catalogue.sqlite"),
        "user_data_dir": str(tmp_path / "xdg-data" / "pkgtui"),
        "user_data_file": str(UserDataFile().path),
        "log_file": str(tmp_path / "pkgtui.log"),
    }
    assert found["config_file"] == str(tmp_path / "elsewhere.toml")


# --- cache clear ------------------------------------------------------------------------------


def fill_cache() -> list[Path]:
    folder = paths.cache_dir()
    made = [
        folder / name
        for name in (
            "http-cache.sqlite",
            "http-cache.sqlite-wal",
            "http-cache.sqlite-shm",
            "catalogue.sqlite",
            "catalogue.sqlite-wal",
            "catalogue.sqlite.corrupt-20261201T000000Z",
        )
    ]
    made.append(folder / "sub" / "deeper" / "left-over")
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 300_000)
    return made


def keep_user_files() -> dict[Path, bytes]:
    """A config file and saved bookmarks, which clearing must leave exactly as they are."""
    config = paths.config_file_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "nord"\n')
    UserDataFile().add_bookmark("package", "django-otp", "django-otp")
    return {path: path.read_bytes() for path in (config, paths.user_data_file())}


def test_clear_with_yes_empties_the_cache_dir_and_nothing_else():
    made = fill_cache()
    kept = keep_user_files()
    code, out, err = run("cache", "clear", "--yes")
    assert (code, err) == (EXIT_OK, "")
    assert out == f"Deleted 7 files from {paths.cache_dir()}.\n"
    assert not any(path.exists() for path in made)
    assert paths.cache_dir().is_dir() and list(paths.cache_dir().iterdir()) == []
    assert {path: path.read_bytes() for path in kept} == kept


def test_clear_asks_on_a_terminal_and_deletes_only_on_yes():
    made = fill_cache()
    code, out, _ = run("cache", "clear", answer="n\n")
    assert out == f"Delete 7 files (2.1 MB) in {paths.cache_dir()}? [y/N] Nothing deleted.\n"
    assert code == EXIT_OK and all(path.exists() for path in made)
    code, out, _ = run("cache", "clear", answer="")  # Ctrl+D
    assert code == EXIT_OK and all(path.exists() for path in made)
    code, out, _ = run("cache", "clear", answer="y\n")
    assert out.endswith(f"[y/N] Deleted 7 files from {paths.cache_dir()}.\n")
    assert code == EXIT_OK and not any(path.exists() for path in made)


def test_ctrl_c_at_the_question_deletes_nothing_and_exits_130():
    made = fill_cache()

    class Interrupted(TerminalStream):
        def readline(self, size=-1):
            raise KeyboardInterrupt

    args = build_parser().parse_args(["cache", "clear"])
    out = io.StringIO()
    code = housekeeping.run(args, build_parser(), stdin=Interrupted(), stdout=out, stderr=io.StringIO())
    assert (code, out.getvalue().splitlines()[-1]) == (130, "Nothing deleted.")
    assert all(path.exists() for path in made)


def test_clear_without_a_terminal_or_yes_refuses_in_one_line():
    made = fill_cache()
    result = pkgtui("cache", "clear")
    assert (result.returncode, result.stdout) == (EXIT_USAGE, "")
    assert result.stderr == (
        f"pkgtui cache clear: would delete 7 files (2.1 MB) in {paths.cache_dir()}; "
        "add --yes to do it without a terminal\n"
    )
    assert all(path.exists() for path in made)


def test_clear_keeps_config_and_user_data_placed_inside_the_cache_dir(tmp_path, monkeypatch):
    inside = paths.cache_dir()
    monkeypatch.setenv("PKGTUI_CONFIG", str(inside / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(inside / "data"))
    made = fill_cache()
    kept = keep_user_files()
    assert all(inside in path.parents for path in kept)
    code, out, _ = run("cache", "clear", "--yes")
    assert code == EXIT_OK
    assert out == f"Deleted 7 files from {inside} (2 files of the config or user data kept).\n"
    assert not any(path.exists() for path in made)
    assert {path: path.read_bytes() for path in kept} == kept


def test_clear_deletes_links_never_what_they_point_to(tmp_path):
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "file").write_text("mine")
    (outside / "folder" / "inner").write_text("mine too")
    folder = paths.cache_dir()
    folder.mkdir(parents=True)
    (folder / "to-file").symlink_to(outside / "file")
    (folder / "to-folder").symlink_to(outside / "folder", target_is_directory=True)
    code, out, _ = run("cache", "clear", "--yes")
    assert (code, out) == (EXIT_OK, f"Deleted 2 files from {folder}.\n")
    assert list(folder.iterdir()) == []
    assert (outside / "file").read_text() == "mine" and (
        outside / "folder" / "inner"
    ).read_text() == "mine too"


def test_clear_with_nothing_there_says_so():
    assert run("cache", "clear") == (EXIT_OK, f"Nothing to delete in {paths.cache_dir()}.\n", "")


def test_a_file_that_will_not_go_is_one_line_and_exit_1(monkeypatch):
    made = fill_cache()
    stuck = made[0]
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self == stuck:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    code, out, err = run("cache", "clear", "--yes")
    assert code == housekeeping.EXIT_NOT_DONE
    assert out == f"Deleted 6 files from {paths.cache_dir()}.\n"
    assert err == "pkgtui cache clear: could not delete 1 file (http-cache.sqlite: Permission denied)\n"
    assert [path for path in made if path.exists()] == [stuck]


def test_a_cache_dir_with_too_many_entries_is_left_alone():
    made = fill_cache()
    contents = paths.scan_cache(limit=3)
    assert contents.too_many and contents.files == ()
    with pytest.raises(ValueError):
        paths.clear_cache(contents)
    assert all(path.exists() for path in made)


def test_clearing_a_real_http_cache_makes_the_next_lookup_ask_again(local_api):
    first = pkgtui("show", "django-otp", "--api-url", local_api.url)
    assert first.returncode == EXIT_OK, first.stderr
    assert paths.http_cache_file().exists()
    asked = len(local_api.log.paths)
    cached = pkgtui("show", "django-otp", "--api-url", local_api.url)
    assert (cached.stdout, len(local_api.log.paths)) == (first.stdout, asked)  # answered from the cache
    assert main(["cache", "clear", "--yes"]) == EXIT_OK
    assert not paths.http_cache_file().exists()
    again = pkgtui("show", "django-otp", "--api-url", local_api.url)
    assert (again.returncode, again.stdout) == (EXIT_OK, first.stdout)
    assert len(local_api.log.paths) > asked
