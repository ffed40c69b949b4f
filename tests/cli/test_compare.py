"""``pkgtui compare [SLUG...]``: packages from any grids in the grid table, printed."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from pkgtui.store import Store
from pkgtui.userdata import UserDataFile
from tests.cli.conftest import run_lookup, visible
from tests.cli.test_store_lookups import CountingTransport, run
from tests.store.conftest import sync_from

GRID_7 = [p for p in sample_packages() if "https://djangopackages.org/api/v4/grids/7/" in p["grids"]]
GRID_7_SLUGS = [p["slug"] for p in GRID_7]


def test_the_members_of_a_grid_compare_as_the_grid_prints_them():
    # Same rows, same order (by stars), same columns: the compare table is the grid table.
    for fmt in ("--csv", "--json", "--plain"):
        grid = run_lookup(["grid", "7", "--demo", fmt])
        compared = run_lookup(["compare", *reversed(GRID_7_SLUGS), "--demo", fmt])
        # What grid says on stderr (e.g. a column left out to fit), compare says too.
        assert compared.code == EXIT_OK, fmt
        assert compared.err == grid.err.replace("pkgtui grid:", "pkgtui compare:"), fmt
        if fmt == "--csv":
            assert list(csv.reader(io.StringIO(compared.out))) == list(csv.reader(io.StringIO(grid.out)))
        elif fmt == "--json":
            ours, theirs = json.loads(compared.out), json.loads(grid.out)
            assert ours["grid"]["title"] == "Compare list"
            assert ours["schema_version"] == theirs["schema_version"]
            assert ours["packages"] == theirs["packages"]
        else:
            assert compared.out.splitlines()[0] == f"Compare list: {len(GRID_7)} packages"
            assert compared.out.splitlines()[1:] == grid.out.splitlines()[1:]


def test_packages_of_different_grids_side_by_side():
    result = run_lookup(["compare", "django-otp", "django-mfa", "django-two-factor-auth", "--demo", "--csv"])
    assert result.code == EXIT_OK
    header, *rows = list(csv.reader(io.StringIO(result.out)))
    assert header[:3] == ["id", "slug", "name"]
    # Sorted by stars, as grid is.
    assert [row[1] for row in rows] == ["django-two-factor-auth", "django-otp", "django-mfa"]


def test_on_a_terminal_it_is_the_styled_grid_table():
    result = run_lookup(["compare", "django-otp", "django-mfa", "--demo"], terminal=True)
    assert result.code == EXIT_OK
    text = visible(result.out)
    assert "Compare list: 2 packages" in text and "django-otp" in text and "django-mfa" in text


def test_a_package_that_is_not_found_is_one_line_and_the_rest_print():
    result = run_lookup(["compare", "django-otp", "no-such-package", "--demo", "--csv"])
    assert result.code == EXIT_OK
    assert [row[1] for row in csv.reader(io.StringIO(result.out))][1:] == ["django-otp"]
    assert result.err.count("\n") == 1 and "'no-such-package' left out" in result.err


def test_nothing_found_at_all_is_not_found():
    result = run_lookup(["compare", "no-such-package", "--demo"])
    assert result.code == EXIT_NOT_FOUND and result.out == ""
    assert result.err.startswith("pkgtui compare: ") and "no-such-package" in result.err


def test_with_no_slug_it_prints_the_saved_compare_list():
    UserDataFile().add_to_compare("django-mfa")  # the tests' own user data dir (tests/conftest.py)
    UserDataFile().add_to_compare("django-otp")
    result = run_lookup(["compare", "--demo", "--json"])
    assert result.code == EXIT_OK
    assert [row["slug"] for row in json.loads(result.out)["packages"]] == ["django-otp", "django-mfa"]


def test_with_no_slug_and_an_empty_list_it_says_what_to_do():
    result = run_lookup(["compare", "--demo"])
    assert result.code == EXIT_USAGE and result.out == ""
    assert result.err.count("\n") == 1 and "the compare list is empty" in result.err


def test_a_damaged_user_data_file_is_a_warning_not_a_crash():
    path = UserDataFile().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    result = run_lookup(["compare", "--demo"])
    assert result.code == EXIT_USAGE  # the list is empty now: nothing could be read
    assert "pkgtui: warning:" in result.err and "corrupt-" in result.err
    assert list(path.parent.glob("userdata.json.corrupt-*"))


def test_too_many_slugs_is_a_usage_error():
    result = run_lookup(["compare", *[f"p{i}" for i in range(51)], "--demo"])
    assert result.code == EXIT_USAGE and "at most 50" in result.err


def test_a_synced_catalogue_answers_with_no_request(tmp_path):

    path = tmp_path / "catalogue.sqlite"
    asyncio.run(sync_from(DemoAPI(), path, usage=False))
    store = Store(path)
    transport = CountingTransport(DemoAPI())
    code, out, err = run(["compare", "django-otp", "django-mfa", "--csv"], store=store, transport=transport)
    assert (code, err, transport.paths) == (EXIT_OK, "", [])
    assert [row[1] for row in csv.reader(io.StringIO(out))][1:] == ["django-otp", "django-mfa"]
    # What the store lacks comes from the API: one request for it alone.
    code, out, err = run(["compare", "django-otp", "not-stored", "--csv"], store=store, transport=transport)
    assert code == EXIT_OK and transport.paths == ["/api/v4/packages/not-stored/"]
    store.close()
