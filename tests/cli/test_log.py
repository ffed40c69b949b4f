"""``--log FILE`` / ``PKGTUI_LOG``: a line per request (where the answer came from), retries and
errors; a failing command names the log; a log that cannot be written is one line, exit 2."""

from __future__ import annotations

import pytest

from pkgtui import logs
from pkgtui.cli import main
from pkgtui.exit_codes import EXIT_API, EXIT_OK, EXIT_USAGE
from tests.server import refused_port, refused_url


@pytest.fixture(autouse=True)
def no_log_left_on():
    yield
    logs.stop()


def test_each_request_is_a_line_with_its_source(tmp_path, capsys, local_api):
    log = tmp_path / "pkgtui.log"
    assert main(["show", "django-otp", "--api-url", local_api.url, "--log", str(log)]) == EXIT_OK
    assert capsys.readouterr().err == ""  # a command that worked says nothing about the log
    lines = log.read_text().splitlines()
    requests = [line for line in lines if " GET " in line]
    assert requests, lines
    assert all(" -> 200 in " in line and line.endswith("from network") for line in requests)
    assert any(f"{local_api.url}packages/" in line for line in requests)
    # Again: the disk cache answers, and the log says so.
    assert main(["show", "django-otp", "--api-url", local_api.url, "--log", str(log)]) == EXIT_OK
    again = [line for line in log.read_text().splitlines()[len(lines) :] if " GET " in line]
    assert again and all("from cache (" in line for line in again)


def test_retries_and_the_failure_are_logged_and_the_error_names_the_log(tmp_path, capsys, monkeypatch):
    log = tmp_path / "pkgtui.log"
    monkeypatch.setenv("PKGTUI_LOG", str(log))
    with refused_port() as port:
        code = main(["show", "django-otp", "--api-url", refused_url(port), "--no-cache"])
    assert code == EXIT_API
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"pkgtui: the log is in {log.resolve()}"
    text = log.read_text()
    assert " failed after " in text and "ConnectError" in text
    assert "retry 1 of 3 on 127.0.0.1" in text
    assert "exit status 3" in text


def test_a_log_that_cannot_be_written_is_one_line(tmp_path, capsys):
    code = main(["show", "django-otp", "--demo", "--log", str(tmp_path / "no-such-dir" / "x.log")])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and err.count("\n") == 1 and err.startswith("pkgtui: cannot write the log ")


def test_without_a_log_nothing_is_written(tmp_path, capsys):
    assert main(["show", "django-otp", "--demo"]) == EXIT_OK
    assert logs.current() is None
    assert list(tmp_path.glob("**/*.log")) == []
