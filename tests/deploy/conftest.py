"""The browser the e2e tests use (Chromium through Playwright), for the proxy's browser test."""

from tests.e2e.conftest import browser  # noqa: F401 (a fixture, found by pytest by its name)
