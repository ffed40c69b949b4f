"""A generated package catalogue of any size, shaped like API v4 package objects.

Deterministic (no randomness, no clock), so progressive-loading tests and snapshots see
the same data on every run.
"""

from __future__ import annotations

from typing import Any

SITE = "https://djangopackages.org/api/v4/"

CATEGORIES = [
    {"id": 1, "title": "App", "slug": "apps", "title_plural": "Apps", "description": "Small components."},
    {
        "id": 2,
        "title": "Framework",
        "slug": "frameworks",
        "title_plural": "Frameworks",
        "description": "Big ones.",
    },
    {
        "id": 3,
        "title": "Project",
        "slug": "projects",
        "title_plural": "Projects",
        "description": "Whole sites.",
    },
]

WORDS = ["auth", "cache", "forms", "admin", "rest", "search", "tags", "files", "mail", "queue"]


def package(n: int, category_id: int = 1) -> dict[str, Any]:
    """Package number ``n``: stars, forks and activity vary with ``n`` so sorts differ."""
    word = WORDS[n % len(WORDS)]
    return {
        "id": n,
        "title": f"django-{word}-{n:05d}",
        "slug": f"django-{word}-{n:05d}",
        "category": f"{SITE}categories/{category_id}/",
        "grids": [],
        "last_updated": f"20{10 + n % 16:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00Z",
        "repo_url": f"https://github.com/example/{word}-{n}",
        "pypi_url": None,
        "repo_description": f"Synthetic {word} package number {n}",
        "repo_forks": (n * 7) % 500,
        "repo_watchers": (n * 37) % 10_000,
        "commits_over_52": [(n + week) % 5 for week in range(52)],
        "participants": [f"dev{n % 13}"],
    }


def catalogue(count: int, categories: tuple[int, ...] = (1, 2, 3)) -> list[dict[str, Any]]:
    """``count`` packages spread over ``categories`` in turn (ids 1..count)."""
    return [package(n, categories[n % len(categories)]) for n in range(1, count + 1)]
