"""PNG output: the SVG rasterized by resvg (the `resvg-py` wheel from PyPI), offline, without a browser."""

from __future__ import annotations

from g287.errors import G287Error


def svg_to_png(svg: str, zoom: float = 2.0) -> bytes:
    """PNG bytes of an SVG string, `zoom` times its size, on a white background."""
    try:
        import resvg_py
    except ImportError as error:  # the dependency is declared; this only happens in a broken environment
        raise G287Error("PNG output needs the package resvg-py (pip install resvg-py)") from error
    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, background="#ffffff"))
    except ValueError as error:
        raise G287Error(f"the map could not be rasterized: {error}") from error
