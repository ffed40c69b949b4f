"""A category's listing: the same packages as ``category_packages``, in the same order, with
each read only when asked for (the category screen's first frame reads a screenful)."""

from __future__ import annotations

import sqlite3

from pkgtui.api.models import Package
from pkgtui.store import PackageListing, Store
from tests.store.conftest import synced_store


async def test_the_listing_is_the_category_packages_and_reads_them_only_when_asked(catalogue):
    store = await synced_store(catalogue)
    with store:
        app = store.category("apps")
        assert app is not None
        expected = store.category_packages(app.id)
        reads: list[list[int]] = []

        def load(ids: list[int]) -> dict[int, Package]:
            reads.append(ids)
            return store.packages(ids)

        listing = PackageListing([(p.id, p.title, p.stars, None) for p in expected], load)
        assert listing.ids == [p.id for p in expected]
        assert listing.stars == [p.stars for p in expected]
        assert reads == []  # nothing read for the columns
        titled = [i for i, p in enumerate(expected) if p.title.strip()]
        assert [listing.display_title(i) for i in titled] == [expected[i].display_title for i in titled]
        assert reads == []  # a title is its column, unless it is blank

        assert listing[3] == expected[3]
        assert listing[-1] == expected[-1]
        assert reads == [[expected[3].id], [expected[-1].id]]
        listing.read([0, 1, 3])
        assert reads[-1] == [expected[0].id, expected[1].id]  # what was read is not read again
        assert listing[0:2] == expected[0:2]
        assert len(reads) == 3

        assert list(listing) == expected  # the rest in one go
        assert reads[-1] == [p.id for i, p in enumerate(expected) if i not in (0, 1, 3, len(expected) - 1)]
        assert list(listing) == expected
        assert len(reads) == 4


async def test_the_store_listing_matches_its_columns_and_usage_counts(catalogue):
    store = await synced_store(catalogue)
    with store:
        app = store.category("apps")
        assert app is not None
        expected = store.category_packages(app.id)
        usage = {expected[0].id: 12, expected[2].id: 0}
        with sqlite3.connect(catalogue) as c:
            c.executemany(
                "UPDATE packages SET usage_count = ? WHERE id = ?", [(n, i) for i, n in usage.items()]
            )
        listing = store.category_listing(app.id)
        assert listing.usage == usage == store.usage_counts(p.id for p in expected)
        assert list(listing) == expected
        assert listing.stars == [p.stars for p in expected]


def test_a_blank_title_is_shown_as_its_package_is_with_its_slug():
    blank = Package(id=7, title="  ", slug="the-slug")
    listing = PackageListing([(7, "  ", None, None)], lambda ids: {7: blank})
    assert listing.display_title(0) == blank.display_title == "the-slug"


async def test_a_package_gone_from_the_store_is_made_from_its_row(catalogue):
    # A sync landing between the listing and its reads may drop a package: its row stays whole.
    store = await synced_store(catalogue)
    with store:
        app = store.category("apps")
        assert app is not None
        listing = store.category_listing(app.id)
        gone = listing.ids[1]
        title, stars = listing.titles[1], listing.stars[1]
        with sqlite3.connect(catalogue) as c:
            c.execute("DELETE FROM package_json WHERE id = ?", (gone,))
        packages = list(listing)
        assert len(packages) == len(listing.ids)
        assert (packages[1].id, packages[1].title, packages[1].stars) == (gone, title, stars)


def test_a_damaged_file_gives_an_empty_listing(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    warnings: list[str] = []
    with Store(path, on_warning=warnings.append) as store:
        store.category_counts()  # opened and made
        path.write_bytes(b"not a database" * 100)
        assert list(store.category_listing(1)) == []


async def test_a_grid_view_brings_its_members_usage_counts(catalogue):
    # Read with the members, in the same query: the grid screen's first frame reads nothing else.
    store = await synced_store(catalogue)
    with store:
        view = store.grid_view(426)
        assert view is not None and len(view.members) >= 2
        first, second = view.members[0].id, view.members[1].id
        with sqlite3.connect(catalogue) as c:
            c.execute("UPDATE packages SET usage_count = NULL")
            c.executemany("UPDATE packages SET usage_count = ? WHERE id = ?", [(7, first), (0, second)])
        view = store.grid_view(426)
        assert view is not None
        assert view.usage == {first: 7, second: 0} == store.usage_counts(p.id for p in view.members)
