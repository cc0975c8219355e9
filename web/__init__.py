"""The public web site for citizens: ask, browse, rank, compare and download, read-only.

A channel like `handlers/` (Telegram): questions go to the same core the chat channels call;
pages read the store through `store.browse`. Starlette with Jinja2 templates, served by uvicorn.
"""
