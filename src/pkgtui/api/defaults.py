"""The API client's defaults, in a leaf module: reading the settings (``pkgtui.config``) and the
screens need these values and nothing of the client, its models or asyncio."""

DEFAULT_API_URL = "https://djangopackages.org/api/v4/"
DEFAULT_TIMEOUT = 10.0
# The site runs on a few workers: speed comes from needing fewer requests, not from more at once.
DEFAULT_CONCURRENCY = 8
# Turns of the event loop that take a request through httpx to the socket on a kept-alive
# connection (and start the connect of a new one), counted against the test server and respx.
# Whoever starts a request and then has a long synchronous job (decoding a page, composing a
# screen) lets the loop turn this often first, so the request is on the network meanwhile.
SEND_TURNS = 3
