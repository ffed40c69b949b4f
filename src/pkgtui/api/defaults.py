"""The API client's defaults, in a leaf module: reading the settings (``pkgtui.config``) needs
these three values and nothing of the client, its models or asyncio."""

DEFAULT_API_URL = "https://djangopackages.org/api/v4/"
DEFAULT_TIMEOUT = 10.0
# The site runs on a few workers: speed comes from needing fewer requests, not from more at once.
DEFAULT_CONCURRENCY = 8
