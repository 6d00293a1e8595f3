"""The keyboard focus ring contrasts with every background of the site by 3:1 at least (WCAG 2.1, 1.4.11 non-text
contrast): its amber, #f0a500, was about 2:1 on white."""

import re

from g287.web.render import TEMPLATES_DIR

STATIC = TEMPLATES_DIR.parent / "static"


def luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_contrasts_with_every_background():
    site = (STATIC / "site.css").read_text()
    variables = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", site))
    backgrounds = {variables["bg"], variables["soft"], "#ffffff"}
    rings = re.findall(r"focus[^{]*\{[^}]*outline:\s*3px solid (#[0-9a-f]{6})", site + (STATIC / "docs.css").read_text())
    assert len(rings) >= 2
    for ring in rings:
        for background in backgrounds:
            assert contrast(ring, background) >= 3, (ring, background)


def test_a_focused_map_shapes_edge_contrasts_with_every_class_colour():
    # The dark edge alone is 2.1:1 on the darkest blue of the maps: on its white halo, one of the two stands out on
    # every colour a neighbour may have, and the edge on the halo.
    from g287.geo.maps import map_classes

    site = (STATIC / "site.css").read_text()
    ink = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", site))["ink"]
    edge = re.search(r"\.map-focus-edge\s*\{[^}]*stroke:\s*var\(--ink\)", site)
    halo = re.search(r"\.map-focus-halo\s*\{[^}]*stroke:\s*(#[0-9a-f]{6})", site)
    assert edge and halo
    assert contrast(ink, halo[1]) >= 3
    colours = {c[3] for measure in map_classes().values() for level in measure.values() for c in level["classes"]} | {"#ffffff"}
    assert len(colours) >= 7
    for colour in colours:
        assert max(contrast(ink, colour), contrast(halo[1], colour)) >= 3, colour
