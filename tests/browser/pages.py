"""Browser contexts of one test, each page watched for script errors, CSP violations and failed requests."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page

WAIT_MS = 10_000  # no single wait longer than this


class Pages:
    """`open(name, path, **context options)` a page; `errors` collects what went wrong on any of them."""

    def __init__(self, browser: Browser, base_url: str, **defaults):
        self.browser = browser
        self.base_url = base_url
        self.defaults = {"locale": "zh-CN", **defaults}
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def open(self, name: str, path: str, **options) -> Page:
        context = self.browser.new_context(base_url=self.base_url, **{**self.defaults, **options})
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{name}: {exc}"))
        page.on("console", lambda msg: self._console(name, msg))
        page.on("response", lambda r: self._response(name, r))
        page.goto(path)
        return page

    def _console(self, name: str, msg) -> None:
        # Failed loads are reported with their address by _response.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(f"{name}: {msg.text}")

    def _response(self, name: str, response) -> None:
        if response.status >= 400:  # the favicon included
            self.errors.append(f"{name}: HTTP {response.status} {response.url}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
