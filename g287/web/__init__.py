"""The public site and JSON API (FastAPI, server-rendered pages, the project's own CSS and JavaScript)."""
