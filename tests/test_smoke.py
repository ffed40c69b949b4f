async def test_demo_client_lists_categories(demo_client):
    assert {c.slug for c in await demo_client.categories()} == {"apps", "frameworks", "projects", "other"}
