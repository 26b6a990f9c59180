"""Geometry of SVG shapes as matplotlib writes them: short numbers, path data, extents (for :mod:`.slim`).

Extents are those of what is painted, strokes included, in the user space of the element's
parent, or None when they cannot be told here (a transform, an unknown command, a size that
is inherited). A text's extent is an estimate that is never smaller than the text: each
character at most 0.75 em wide, from one em above the baseline to 0.35 em below it.
"""

from __future__ import annotations

import math
import re

NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_COMMANDS = "MLCQZz"
"""The absolute commands matplotlib writes; every number that follows one is a coordinate of a point."""
TEXT_ADVANCE = 0.75
"""Widest advance of a character of the figures' fonts, in em (DejaVu Sans: at most about 0.7)."""
MITER_LIMIT = 4.0
"""SVG's default ``stroke-miterlimit``: a mitred corner reaches at most this many half widths."""


def number(value: float) -> str:
    """A coordinate with at most two decimals (1/100 pt), without trailing zeros.

    >>> number(4.536), number(120.0), number(-0.001), number(-3.5)
    ('4.54', '120', '0', '-3.5')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def round_numbers(text: str) -> str:
    """Every number in ``text`` as :func:`number` writes it: ``rotate(-90 22.258125 68.04)`` -> ``rotate(-90 22.26 68.04)``."""
    return NUMBER.sub(lambda m: number(float(m.group(0))), text)


def points(d: str) -> list[tuple[str, list[tuple[float, float]]]] | None:
    """The commands of path data with their points; None for a command other than M, L, C, Q, Z.

    >>> points("M 0 0 L 1 2 3 4 z")
    [('M', [(0.0, 0.0)]), ('L', [(1.0, 2.0), (3.0, 4.0)]), ('Z', [])]
    """
    out: list = []
    values: list[float] = []
    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if token not in _COMMANDS:
                return None
            if out and len(values) % 2:
                return None
            if out:
                out[-1][1].extend(zip(values[0::2], values[1::2], strict=True))
            out.append((token.upper(), []))
            values = []
        else:
            if not out:
                return None
            values.append(float(token))
    if out:
        if len(values) % 2:
            return None
        out[-1][1].extend(zip(values[0::2], values[1::2], strict=True))
    return out


def path_data(d: str, dx: float = 0.0, dy: float = 0.0) -> str | None:
    """Path data with short numbers and packed commands, moved by (``dx``, ``dy``); None for commands not known here.

    A command that repeats is written once; numbers are separated by a space, or by nothing
    before a minus sign.

    >>> path_data("M 0 0 L 0 3.5 L 1.004 -2 z", 10, 20)
    'M10 20L10 23.5 11 18Z'
    >>> path_data("M 0 0 A 1 1 0 0 0 2 2") is None
    True
    """
    commands = points(d)
    if commands is None:
        return None
    out, last = [], None
    for command, pts in commands:
        if command != last or command in "MZ":
            out.append(command)
            separate = False
        else:
            separate = True
        last = command
        for x, y in pts:
            for v in (x + dx, y + dy):
                text = number(v)
                if separate and not text.startswith("-"):
                    out.append(" ")
                out.append(text)
                separate = True
    return "".join(out)


Box = tuple[float, float, float, float]


def union(a: Box | None, b: Box) -> Box:
    """The smallest box holding ``a`` (or nothing) and ``b``."""
    if a is None:
        return b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def disjoint(a: Box, b: Box) -> bool:
    """Whether two boxes share no area (touching edges share none).

    >>> disjoint((0, 0, 1, 1), (1, 0, 2, 1)), disjoint((0, 0, 1, 1), (0.5, 0.5, 2, 2))
    (True, False)
    """
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def inside(a: Box, b: Box) -> bool:
    """Whether box ``a`` lies within box ``b``."""
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


def intersection(a: Box, b: Box) -> Box:
    """The part of box ``a`` inside box ``b`` (an empty box where they do not meet)."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return x0, y0, max(x0, x1), max(y0, y1)


def path_extent(d: str, width: float = 0.0, cap: str = "butt", join: str = "round", dx: float = 0.0,
                dy: float = 0.0) -> Box | None:
    """Extent of a path moved by (``dx``, ``dy``), stroked ``width`` wide (0: not stroked).

    A path of horizontal and vertical lines with butt ends is widened across its segments only
    (so that a tick mark ending where a grid line starts does not overlap it); any other stroke
    reaches at most half its width from the path, times sqrt(2) at square ends and
    :data:`MITER_LIMIT` at mitred corners. Curves lie within their control points.

    >>> path_extent("M 0 0 L -3.5 0", 0.8)
    (-3.5, -0.4, 0.0, 0.4)
    >>> [round(v, 3) for v in path_extent("M 0 0 L 1 1", 2.0, cap="square")]
    [-1.414, -1.414, 2.414, 2.414]
    """
    commands = points(d)
    if not commands:
        return None
    pts = [(x + dx, y + dy) for _, ps in commands for x, y in ps]
    if not pts:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    box = (min(xs), min(ys), max(xs), max(ys))
    if width <= 0:
        return box
    half = width / 2
    if cap == "butt" and join != "miter":
        found = _straight_extent(commands, half, dx, dy)
        if found is not None:
            return found
    margin = half * (MITER_LIMIT if join == "miter" else math.sqrt(2) if cap == "square" else 1.0)
    return box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin


def _straight_extent(commands, half: float, dx: float, dy: float) -> Box | None:
    """Extent of a stroke with butt ends along horizontal and vertical lines only; None for any other path.

    Each segment is widened by ``half`` across itself, and along itself at a corner (a join,
    round or bevelled, reaches no further), not at the free ends of an open line.
    """
    subpaths: list[tuple[list, bool]] = []
    for command, ps in commands:
        if command == "M":
            subpaths.append(([(x + dx, y + dy) for x, y in ps], False))
        elif command == "L" and subpaths:
            subpaths[-1][0].extend((x + dx, y + dy) for x, y in ps)
        elif command == "Z" and subpaths:
            pts = subpaths[-1][0]
            subpaths[-1] = (pts + pts[:1], True)
        else:
            return None
    out = None
    for pts, closed in subpaths:
        n = len(pts) - 1
        for i in range(n):
            (x0, y0), (x1, y1) = pts[i], pts[i + 1]
            if x0 != x1 and y0 != y1:
                return None
            start = half if closed or i > 0 else 0.0  # a corner before this segment
            end = half if closed or i < n - 1 else 0.0
            if x0 == x1:
                lo, hi = (y0, y1) if y0 <= y1 else (y1, y0)
                lo_ext, hi_ext = (start, end) if y0 <= y1 else (end, start)
                out = union(out, (x0 - half, lo - lo_ext, x0 + half, hi + hi_ext))
            else:
                lo, hi = (x0, x1) if x0 <= x1 else (x1, x0)
                lo_ext, hi_ext = (start, end) if x0 <= x1 else (end, start)
                out = union(out, (lo - lo_ext, y0 - half, hi + hi_ext, y0 + half))
    return out


def text_extent(x: float, y: float, size: float, characters: int, anchor: str = "start") -> Box:
    """A box that holds a text of ``characters`` characters of ``size`` at (``x``, ``y``), anchored there.

    >>> text_extent(10.0, 20.0, 8.0, 2, "middle")
    (4.0, 12.0, 16.0, 22.8)
    """
    width = TEXT_ADVANCE * size * characters
    x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return x0, y - size, x0 + width, y + 0.35 * size
