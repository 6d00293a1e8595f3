"""Exports of the registry's data: ICE-layout workbooks, CSV, JSON and more (see the web layer for routes)."""
