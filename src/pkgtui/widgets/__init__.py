"""Reusable widgets (their own DEFAULT_CSS); layout lives in app.tcss."""
