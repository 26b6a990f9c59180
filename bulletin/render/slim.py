"""Matplotlib's SVG made light to lay out: fewer nodes, no style sheet, short numbers (:func:`slim_svg`).

Matplotlib writes a group per artist (and per tick, tick line and label), a ``<use>`` per marker,
a clip path on every line, a ``style`` attribute on every element, a universal CSS rule and
coordinates with six decimals. A page parses, cascades, lays out and paints every node of an
inline SVG, and parses every ``style`` attribute as CSS: each costs time in WeasyPrint (and in a
browser). The figure drawn stays the same:

- the metadata, the invisible background rectangles and the universal rule go (its
  ``stroke-linejoin`` and ``stroke-linecap`` become attributes of the root, which inherit);
- a group that carries nothing but matplotlib's own id (``line2d_3``, ``xtick_1``) gives its
  children to its parent; groups with an id given on purpose (a ``gid``: a station, a cell),
  with attributes (``data-*``, a clip), and legends stay, with their ids;
- a clip path is dropped where what it clips lies inside its rectangle, stroke included, and
  neighbours clipped alike share one clipping group;
- markers of one kind (tick marks, the dots of a line) become one path, as do plain lines drawn
  alike (grid lines): a copy moves back to the first one only past what it does not overlap, so
  that nothing is painted over anything it was not painted over before;
- ``style`` declarations become presentation attributes (no CSS to parse); a font property
  shared by most texts is said once, on the root; a text at angle 0 loses its rotation; numbers
  keep two decimals (1/100 pt) and path commands are packed.

The ids left (those referred to, and those of the groups kept) are prefixed with the figure's id.
"""

from __future__ import annotations

import re
from collections import Counter
from xml.etree import ElementTree

from . import svgshape as shape

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_HREF = f"{{{XLINK_NS}}}href"
_AUTO_ID = re.compile(r"^[A-Za-z][A-Za-z0-9.]*_\d+$")
"""An id matplotlib gives an artist of its own (``line2d_3``, ``matplotlib.axis_1``); the ``gid`` of the figures has a hyphen."""
_KEPT_AUTO = re.compile(r"^legend_\d+$")
"""Matplotlib ids of groups kept whole: a legend is one thing to a reader."""
_URL = re.compile(r"url\(#([^)]+)\)")
PRESENTATION = frozenset((
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "font-family",
    "font-size", "font-style", "font-weight", "font-variant", "font-stretch", "text-anchor", "dominant-baseline",
    "clip-rule", "display", "visibility",
))
"""CSS properties that SVG also takes as attributes (any other stays in ``style``)."""
ROOT_STROKE = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
"""Matplotlib's universal rule, said on the root instead (both properties inherit)."""
TEXT_DEFAULTS = {"font-family": None, "font-size": None, "font-weight": "normal", "font-style": "normal",
                 "text-anchor": "start"}
"""Inherited text properties said once on the root when most texts share a value; the value a text
without the attribute has (None: no default to write, so the property moves only when every text has it)."""
_COORDINATES = frozenset(("x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
                          "stroke-width", "font-size"))
_NOT_SHARED = frozenset(("x", "y", "d", _HREF, "href", "id"))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _svg(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


class _Merge:
    """Shapes painted alike, becoming one path: the first element, and the path data of each copy."""

    def __init__(self, first: ElementTree.Element, attrs: dict, d: str, extent):
        self.first, self.attrs, self.pieces, self.extent = first, attrs, [d], extent

    def add(self, d: str, extent) -> None:
        self.pieces.append(d)
        self.extent = shape.union(self.extent, extent)

    def element(self) -> ElementTree.Element:
        if len(self.pieces) == 1:
            return self.first  # alone: as it was (a marker stays a <use> of its shape)
        return ElementTree.Element(_svg("path"), {"d": "".join(self.pieces), **self.attrs})


class _Slimmer:
    """One figure's document, made light as :func:`slim_svg` says."""

    def __init__(self, root: ElementTree.Element, fig_id: str, attributes: dict, text_width=None):
        self.root, self.fig_id, self.attributes, self.text_width = root, fig_id, dict(attributes), text_width
        self.defs: dict[str, ElementTree.Element] = {}  # id -> element of a <defs>, in the order met
        self.clips: dict[str, shape.Box] = {}  # clipPath id -> its rectangle, when it is one

    def run(self) -> ElementTree.Element:
        root = self.root
        for element in root.iter(_svg("defs")):
            self.defs.update((d.get("id"), d) for d in element if d.get("id"))
        self.shapes = {ident: d.get("d") for ident, d in self.defs.items()}  # before rounding: copies round once
        for ident, d in self.defs.items():
            for e in d.iter():
                self._attributes(e)
            rect = list(d)
            if _local(d.tag) == "clipPath" and len(rect) == 1 and _local(rect[0].tag) == "rect" \
                    and "transform" not in rect[0].attrib:
                x, y = float(rect[0].get("x", 0)), float(rect[0].get("y", 0))
                self.clips[ident] = (x, y, x + float(rect[0].get("width")), y + float(rect[0].get("height")))
        root.attrib.pop("version", None)
        root.attrib.update(ROOT_STROKE)
        self._children(root)
        if self.text_width is not None:
            self._start_anchored(root)
        self._hoist_text_properties(root)
        self._ids(root)
        return root

    # ---- groups and attributes ----------------------------------------------------------------

    def _children(self, parent: ElementTree.Element) -> None:
        out = []
        for child in list(parent):
            tag = _local(child.tag)
            if tag in ("metadata", "defs", "style"):
                continue
            if tag == "path" and child.get("style", "").replace(" ", "").rstrip(";") == "fill:none" \
                    and "clip-path" not in child.attrib:
                continue  # matplotlib's background rectangles, transparent
            if tag == "g":
                self._group(child)
                if not len(child) and set(child.attrib) <= {"id", "clip-path"}:
                    continue
                if self._plain(child):
                    out.extend(child)
                    continue
            else:
                self._attributes(child)
            out.append(child)
        parent[:] = self._shared_clips(self._merged(out))

    def _group(self, g: ElementTree.Element) -> None:
        for k, v in (self.attributes.pop(g.get("id"), None) or {}).items():  # the first group of a gid
            g.set(k, v)
        self._attributes(g)
        self._children(g)
        clip = _URL.fullmatch(g.get("clip-path", ""))
        if clip and self._clips_nothing(g, clip.group(1)):
            del g.attrib["clip-path"]

    @staticmethod
    def _plain(g: ElementTree.Element) -> bool:
        """Whether a group says nothing but matplotlib's own id, so that its children can take its place."""
        ident = g.get("id")
        if ident is not None and (not _AUTO_ID.match(ident) or _KEPT_AUTO.match(ident)):
            return False
        return all(k == "id" for k in g.attrib)

    @staticmethod
    def _attributes(e: ElementTree.Element) -> None:
        """``style`` declarations as presentation attributes; numbers rounded; packed path data; no rotation by 0."""
        style = e.attrib.pop("style", None)
        if style:
            rest = []
            for declaration in style.split(";"):
                name, _, value = (part.strip() for part in declaration.partition(":"))
                if name in PRESENTATION:
                    e.set(name, value.replace(",", " ") if name == "stroke-dasharray" else value)
                elif name:
                    rest.append(f"{name}: {value}")
            if rest:
                e.set("style", "; ".join(rest))
        for key in _COORDINATES & e.attrib.keys() - ({"x", "y"} if _local(e.tag) == "use" else set()):
            e.set(key, shape.round_numbers(e.get(key)))  # a <use> is placed in _merged
        transform = e.get("transform")
        if transform is not None:
            if re.fullmatch(r"rotate\(-?0(?:\.0*)? [^)]*\)", transform):
                del e.attrib["transform"]
            else:
                e.set("transform", shape.round_numbers(transform))
        packed = shape.path_data(e.get("d")) if e.get("d") is not None else None
        if packed is not None:
            e.set("d", packed)

    # ---- extents, markers and clips ----------------------------------------------------------

    def _marker(self, use: ElementTree.Element) -> ElementTree.Element | None:
        """The marker path a ``<use>`` draws, when it is a plain path of this document."""
        if _local(use.tag) != "use" or "transform" in use.attrib:
            return None
        marker = self.defs.get((use.get(_HREF) or use.get("href") or "")[1:])
        if marker is None or _local(marker.tag) != "path" or "transform" in marker.attrib:
            return None
        return marker

    def _extent(self, e: ElementTree.Element, painted: dict | None = None) -> shape.Box | None:
        """What ``e`` paints, in its parent's user space; None when not known. ``painted``: the attributes that apply."""
        if "transform" in e.attrib:
            return None
        tag = _local(e.tag)
        attrs = painted or e.attrib
        box = None
        if tag == "g":
            for child in e:
                b = self._extent(child)
                if b is None:
                    return None
                box = shape.union(box, b)
        elif tag == "text":
            size = e.get("font-size") or self.root.get("font-size")
            if size is None or not size.removesuffix("px").replace(".", "", 1).isdigit():
                return None
            anchor = e.get("text-anchor") or self.root.get("text-anchor") or "start"
            box = shape.text_extent(float(e.get("x", 0)), float(e.get("y", 0)), float(size.removesuffix("px")),
                                    len("".join(e.itertext())), anchor)
        elif tag in ("path", "use"):
            marker = self._marker(e) if tag == "use" else e
            if marker is None:
                return None
            if tag == "use" and painted is None:
                attrs = {**e.attrib, **marker.attrib}
            stroke = attrs.get("stroke", "none") != "none"
            box = shape.path_extent(marker.get("d", ""), float(attrs.get("stroke-width", 1)) if stroke else 0.0,
                                    attrs.get("stroke-linecap", ROOT_STROKE["stroke-linecap"]),
                                    attrs.get("stroke-linejoin", ROOT_STROKE["stroke-linejoin"]),
                                    float(e.get("x", 0)) if tag == "use" else 0.0,
                                    float(e.get("y", 0)) if tag == "use" else 0.0)
        else:
            return None
        clip = _URL.fullmatch(e.get("clip-path", ""))
        if box is not None and clip:
            rect = self.clips.get(clip.group(1))
            return None if rect is None else shape.intersection(box, rect)
        return box

    def _clips_nothing(self, e: ElementTree.Element, clip: str) -> bool:
        rect = self.clips.get(clip)
        if rect is None:
            return False
        saved = e.attrib.pop("clip-path", None)
        box = self._extent(e)
        if saved is not None:
            e.set("clip-path", saved)
        return box is not None and shape.inside(box, rect)

    def _mergeable(self, e: ElementTree.Element):
        """(key, attributes, path data, extent) of a shape that may join others painted alike; None otherwise.

        A ``<use>`` of a marker, or a line (not filled) without dashes or opacity. A marker that
        is filled and stroked in two colours does not join: one path fills all its copies before
        it strokes them, which differs where copies overlap.
        """
        tag = _local(e.tag)
        if tag == "use":
            marker = self._marker(e)
            if marker is None:
                return None
            attrs = {k: v for k, v in e.attrib.items() if k not in _NOT_SHARED}
            attrs.update((k, v) for k, v in marker.attrib.items() if k not in _NOT_SHARED)
            fill, stroke = attrs.get("fill", "#000000").lower(), attrs.get("stroke", "none").lower()
            if not (fill == "none" or stroke == "none" or fill == stroke):
                return None
            d = shape.path_data(self.shapes[marker.get("id")], float(e.get("x", 0)), float(e.get("y", 0)))
        elif tag == "path" and e.get("fill") == "none" and not {"id", "transform", "stroke-dasharray", "opacity",
                                                                 "stroke-opacity", "marker"} & e.attrib.keys():
            attrs = {k: v for k, v in e.attrib.items() if k != "d"}
            d = e.get("d")
        else:
            return None
        extent = self._extent(e)
        if d is None or extent is None:
            return None
        return (tag, tuple(sorted(attrs.items()))), attrs, d, extent

    def _merged(self, children: list) -> list:
        """Shapes painted alike as one path, each copy joining the first past only what it does not overlap."""
        out: list = []
        first: dict = {}  # key -> index in out of its _Merge
        for child in children:
            found = self._mergeable(child)
            if found is not None:
                key, attrs, d, extent = found
                at = first.get(key)
                if at is not None and all(self._apart(extent, e) for e in out[at + 1:]):
                    out[at].add(d, extent)
                    continue
                first[key] = len(out)
                out.append(_Merge(child, attrs, d, extent))
                continue
            out.append(child)
        result = [e.element() if isinstance(e, _Merge) else e for e in out]
        for e in result:
            if _local(e.tag) == "use":
                for key in ("x", "y"):
                    if key in e.attrib:
                        e.set(key, shape.round_numbers(e.get(key)))
        return result

    def _apart(self, extent: shape.Box, e) -> bool:
        other = e.extent if isinstance(e, _Merge) else self._extent(e)
        return other is not None and shape.disjoint(extent, other)

    def _shared_clips(self, children: list) -> list:
        """Clip paths dropped where they clip nothing; neighbours clipped alike put in one clipping group."""
        out: list = []
        for child in children:
            clip = _URL.fullmatch(child.get("clip-path", ""))
            if clip and self._clips_nothing(child, clip.group(1)):
                del child.attrib["clip-path"]
                clip = None
            if not clip:
                out.append(child)
                continue
            last = out[-1] if out else None
            if isinstance(last, list) and last[0] == child.get("clip-path"):
                last.append(child)
            else:
                out.append([child.get("clip-path"), child])
        result = []
        for e in out:
            if not isinstance(e, list):
                result.append(e)
            elif len(e) == 2:
                result.append(e[1])
            else:
                g = ElementTree.Element(_svg("g"), {"clip-path": e[0]})
                for child in e[1:]:
                    del child.attrib["clip-path"]
                    g.append(child)
                result.append(g)
        return result

    # ---- fonts and ids ------------------------------------------------------------------------

    def _start_anchored(self, root: ElementTree.Element) -> None:
        """Texts anchored at their middle or end placed at their start, ``text_width`` from there."""
        for t in root.iter(_svg("text")):
            anchor, size = t.get("text-anchor"), t.get("font-size", "")
            if anchor not in ("middle", "end") or not size.endswith("px") or len(t) or "x" not in t.attrib:
                continue
            family = t.get("font-family", "DejaVu Sans").split(",")[0].strip("'\" ")
            # the text as it is set: no line breaks, tabs as spaces, spaces collapsed, none at the ends
            text = re.sub(" +", " ", re.sub("[\n\r]", "", t.text or "").replace("\t", " ")).strip(" ")
            width = self.text_width(text, float(size[:-2]), t.get("font-weight", "normal"),
                                    t.get("font-style", "normal"), family)
            t.set("x", shape.number(float(t.get("x")) - (width / 2 if anchor == "middle" else width)))
            del t.attrib["text-anchor"]

    @staticmethod
    def _hoist_text_properties(root: ElementTree.Element) -> None:
        """An inherited text property said on the root when that saves attributes (see :data:`TEXT_DEFAULTS`)."""
        texts = list(root.iter(_svg("text")))
        for name, default in TEXT_DEFAULTS.items():
            counts = Counter(t.get(name) for t in texts)
            value = max((v for v in counts if v is not None), key=lambda v: (counts[v], v), default=None)
            if value is None or (counts[None] and default is None) or counts[value] <= counts[None]:
                continue
            root.set(name, value)
            for t in texts:
                own = t.attrib.pop(name, default)
                if own != value:
                    t.set(name, own)

    def _ids(self, root: ElementTree.Element) -> None:
        """Ids referred to become short ones; the groups kept keep theirs; all prefixed with the figure's id."""
        used: dict[str, str] = {}
        for e in root.iter():
            for key, value in e.attrib.items():
                for ref in ([value[1:]] if key in (_HREF, "href") else _URL.findall(value)):
                    if ref in self.defs and ref not in used:
                        used[ref] = f"{_local(self.defs[ref].tag)[0].lower()}{len(used)}"
        prefix = self.fig_id
        for e in root.iter():
            ident = e.attrib.pop("id", None)
            if ident is not None and _local(e.tag) == "g" and not self._plain(ElementTree.Element("g", id=ident)):
                e.set("id", f"{prefix}-{ident}")
            for key, value in list(e.attrib.items()):
                if key in (_HREF, "href") and value[1:] in used:
                    e.set(key, f"#{prefix}-{used[value[1:]]}")
                elif "url(#" in value:
                    e.set(key, _URL.sub(lambda m: f"url(#{prefix}-{used.get(m.group(1), m.group(1))})", value))
        if used:
            defs = ElementTree.Element(_svg("defs"))
            for ref, short in used.items():
                d = self.defs[ref]
                for inner in d.iter():
                    inner.attrib.pop("id", None)
                d.set("id", f"{prefix}-{short}")
                defs.append(d)
            root.insert(0, defs)


# ---- writing -------------------------------------------------------------------------------

def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def _write(e: ElementTree.Element, out: list) -> None:
    tag = _local(e.tag)
    attrs = "".join(f' {"xlink:href" if k == _HREF else _local(k)}="{_escape(v, True)}"' for k, v in e.attrib.items())
    text = e.text if tag in ("text", "tspan", "title", "desc") else None
    if not len(e) and not text:
        out.append(f"<{tag}{attrs}/>")
    else:
        out.append(f"<{tag}{attrs}>")
        if text:
            out.append(_escape(text))
        for child in e:
            _write(child, out)
        out.append(f"</{tag}>")
    if e.tail and e.tail.strip():
        out.append(_escape(e.tail))


def slim_svg(svg: str, fig_id: str, attributes: dict | None = None, text_width=None) -> str:
    """A matplotlib SVG document as a light inline ``<svg>`` element that draws the same figure.

    Parameters
    ----------
    svg : str
        The document as matplotlib writes it (``svg.fonttype`` none: texts as ``<text>``).
    fig_id : str
        Id of the figure: every id left is prefixed with it, so that figures share a page.
    attributes : dict, optional
        ``gid -> {attribute: value}``: attributes (``data-*``) to add to the group of the first
        artist drawn with that ``gid``.
    text_width : callable, optional
        ``text_width(text, size, weight, style, family)``: the width [pt] of a text as the page sets
        it (:func:`.svg.advance_width`). Given, a text anchored at its middle or end is placed at its
        start instead: the same place, without the group WeasyPrint makes for each anchored text.

    Returns
    -------
    str
        The ``<svg>`` element, on one line.
    """
    root = _Slimmer(ElementTree.fromstring(svg), fig_id, attributes or {}, text_width).run()
    out: list[str] = []
    _write(root, out)
    xlink = any(_HREF in e.attrib for e in root.iter())
    out[0] = out[0][:4] + f' xmlns="{SVG_NS}"' + (f' xmlns:xlink="{XLINK_NS}"' if xlink else "") + out[0][4:]
    return "".join(out)
