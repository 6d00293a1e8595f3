"""How a map paints a shape drawn for several counties, and counts them in its legend.

The boundaries are of 2017 (g287/data/geo/SOURCES.md): Chugach and Copper River census areas (Alaska) are drawn
together with the shape of Valdez-Cordova, and Connecticut's nine planning regions with the state's outline. The
legend counts each county in the class of its own value, as the caption and `coverage` count it. The shape was
painted in the class of the counties' sum (MOAs) or of the best of them (coverage): Connecticut in "1" for its one
planning region with an MOA, beside a legend that counted the other eight in "none", and two parts of 1 MOA each in
"2", a class neither is in. Now a shape whose counties all fall in one class is painted in it, and one whose
counties fall in several is striped in the colours of those classes (a pattern of its own, `g287-together`); its
title names each county with its own figure either way.
"""

from __future__ import annotations

from collections import Counter

from g287.xmlchars import xml_escaped

STRIPE_PX = 3.0  # the width of one stripe on the map as drawn, whatever its scale (a state's map is zoomed in)


def class_of(value: float, classes: list[list]) -> int:
    for index, (low, high, _label, _colour) in enumerate(classes):
        if value >= low and (high == -1 or value <= high):
            return index
    return 0


def classify(data) -> Counter:
    """Puts each feature of a MapData in its class (`css_class`), and stripes (`stripes`: its counties' classes)
    a shape whose counties fall in several; the number of counties (or states) in each class, each county counted
    in the class of its own value: counted by the shape's colour, the nine planning regions of Connecticut were nine
    counties "with a county-level agency" when one of them had one, beside a caption saying one."""
    counts: Counter = Counter()
    for feature in data.features:
        own = [class_of(value, data.classes) for value in (feature.values if feature.values is not None else [feature.value] * len(feature.fips))]
        counts.update(own)
        distinct = sorted(set(own))
        feature.css_class = distinct[0] if len(distinct) == 1 else max(distinct)
        feature.stripes = tuple(distinct) if len(distinct) > 1 else None
    return counts


def pattern_id(ident: str, stripes: tuple[int, ...]) -> str:
    return f"{ident}-together-{'-'.join(str(index) for index in stripes)}"


def striped_sets(data) -> list[tuple[int, ...]]:
    """Each set of classes a shape of the map is striped in, once, in order (none when no shape is striped)."""
    return sorted({f.stripes for f in data.features if f.stripes})


def stripe_pattern(ident: str, stripes: tuple[int, ...], classes: list[list], width: float) -> list[str]:
    """One pattern of stripes `width` units wide, one per class in `stripes`, in the classes' colours."""
    size = width * len(stripes)
    out = [f'<pattern id="{xml_escaped(pattern_id(ident, stripes))}" patternUnits="userSpaceOnUse" width="{size:.4g}" height="{size:.4g}">']
    out += [f'<rect x="{width * i:.4g}" y="0" width="{width:.4g}" height="{size:.4g}" fill="{xml_escaped(classes[index][3])}"/>' for i, index in enumerate(stripes)]
    out.append("</pattern>")
    return out


def stripe_patterns(data, ident: str, scale: float) -> list[str]:
    """The `<defs>` of the striped fills the map's features use (none when no shape is striped), in map units:
    each stripe STRIPE_PX wide as drawn."""
    used = striped_sets(data)
    if not used:
        return []
    return ["<defs>", *(line for stripes in used for line in stripe_pattern(ident, stripes, data.classes, STRIPE_PX / scale)), "</defs>"]


# The legend had a swatch per class only: a reader saw a striped shape with no key for it. A map with striped shapes
# has an entry for each set of classes they are striped in, after the classes; it counts nothing (each county is
# counted in its own class), and its text says what its swatch shows.


def legend_text(data, stripes: tuple[int, ...]) -> str:
    labels = " and ".join(data.classes[index][2] for index in stripes)
    return f"striped ({labels}): one shape drawn for several counties in different classes; see the notes"


def legend_swatch(data, ident: str, stripes: tuple[int, ...], x: float, y: float, width: float, height: float, stroke: float) -> str:
    """A legend's swatch of the stripes: the map's pattern at its size as drawn (a pattern of the legend's own: the
    map's is in map units), and a rectangle filled with it. `ident`: the map's."""
    legend = f"{ident}-legend"
    return (
        "<defs>" + "".join(stripe_pattern(legend, stripes, data.classes, STRIPE_PX)) + "</defs>"
        f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" fill="url(#{xml_escaped(pattern_id(legend, stripes))})" stroke="#777777" stroke-width="{stroke:g}"/>'
    )


def legend_entries(data, ident: str) -> list[dict]:
    """The legend's striped entries for a page (after `classify`): {"classes", "colours", "text", "swatch"}, the
    swatch a small SVG, hidden from screen readers as the classes' swatches are (its text says it)."""
    return [
        {
            "classes": stripes,
            "colours": [data.classes[index][3] for index in stripes],
            "text": legend_text(data, stripes),
            "swatch": '<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 16 14" width="16" height="14" aria-hidden="true" focusable="false">'
            + legend_swatch(data, ident, stripes, 0.5, 0.5, 15, 13, 1) + "</svg>",
        }
        for stripes in striped_sets(data)
    ]


def group_of(feature, data, ident: str) -> str:
    """The opening of the group of consecutive shapes sharing one fill: a class's colour, or a pattern of stripes
    (`data-classes`: the classes its counties fall in)."""
    if feature.stripes:
        classes = " ".join(str(index) for index in feature.stripes)
        return f'<g class="g287-class g287-together" data-classes="{classes}" fill="url(#{xml_escaped(pattern_id(ident, feature.stripes))})"'
    return f'<g class="g287-class" data-class="{feature.css_class}" fill="{xml_escaped(data.classes[feature.css_class][3])}"'


def parts_text(names: list[str], figures: list[str]) -> str:
    """Each county of a shape drawn for several, with its own figure: "Chugach Census Area: 1 MOA: TFM; Copper River
    Census Area: no MOAs"."""
    return "; ".join(f"{name}: {figure}" for name, figure in zip(names, figures))
