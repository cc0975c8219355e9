"""The public web site for citizens: ask, browse, rank, compare and download, read-only.

A channel like `handlers/` (Telegram): questions go to the same core the chat channels call,
and pages read the store through the browser that core holds (`Services.browser`). Starlette
with Jinja2 templates, served by uvicorn.
"""
