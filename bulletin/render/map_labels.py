"""Where the schematic basin map writes its labels: a greedy, deterministic placement.

Labels are placed one after the other, in the order of the requests (the caller puts the most
important first), each at the best of a fixed list of candidate places around its symbol: eight
directions, nearest first, at growing distances. A place is possible only if the label's box
lies inside the figure and touches no symbol, no legend, no label placed before and no leader
line; a label set away from its symbol (``LEADER_GAPS``) gets a leader line, which may run
through no symbol or label but its own. Among the possible places the one that crosses the
fewest rivers wins, nearer before farther, then in the order of ``DIRECTIONS``. A label with
no possible place is left out (never drawn over something else).

Country names are placed after the station labels, at their given place or the nearest point
around it (rings of growing radius) where they touch nothing but rivers.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]
Point = tuple[float, float]

# direction -> (unit x, unit y), in order of preference: beside, then above and below
DIRECTIONS = ((1, 0), (-1, 0), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7), (0, 1), (0, -1))
# ... and in between, for labels set away with a leader line
LEADER_DIRECTIONS = DIRECTIONS + ((0.92, 0.38), (-0.92, 0.38), (0.92, -0.38), (-0.92, -0.38),
                                  (0.38, 0.92), (-0.38, 0.92), (0.38, -0.92), (-0.38, -0.92))
NEAR_GAPS = (1.5, 4.5)  # distance of a label from its symbol [pt], without a leader line
LEADER_GAPS = (10.0, 18.0, 28.0, 40.0, 56.0, 76.0)  # ... with a leader line
PAD = (1.0, 0.5)  # room around a text inside its label box, horizontal and vertical [pt]
RIVER_COST, GAP_COST, LEADER_CROSSING_COST = 25.0, 100.0, 200.0
COUNTRY_RINGS = (0.0, 8.0, 16.0, 26.0, 38.0, 52.0, 68.0, 86.0)  # distances from a country's place [pt]
COUNTRY_DIRECTIONS = 12
COUNTRY_RIVER_COST = 40.0  # [pt of distance from the place] per river crossed


@dataclass(frozen=True)
class LabelRequest:
    """A label to place: its owner, its size [pt] (without :data:`PAD`), the box of its symbol."""

    owner: object
    size: tuple[float, float]
    footprint: Box
    leader: bool  # may be set away from its symbol with a leader line


@dataclass(frozen=True)
class Label:
    """A placed label: its box, where and how its text is anchored, its leader line (or None)."""

    owner: object
    box: Box
    anchor: Point
    ha: str  # left | right | center
    va: str  # bottom | top | center
    leader: tuple[Point, Point] | None


def overlaps(a: Box, b: Box) -> bool:
    """True if the two boxes share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def segment_hits_box(p: Point, q: Point, box: Box) -> bool:
    """True if the segment ``p``-``q`` runs through the box (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, v in ((dx, box[0], box[2], p[0]), (dy, box[1], box[3], p[1])):
        if abs(d) < 1e-12:
            if v <= lo or v >= hi:
                return False
            continue
        a, b = (lo - v) / d, (hi - v) / d
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 >= t1:
            return False
    return True


def segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """True if the segments ``p``-``q`` and ``r``-``s`` cross (touching ends do not count)."""
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2, d3, d4 = side(r, s, p), side(r, s, q), side(p, q, r), side(p, q, s)
    return d1 * d2 < 0 and d3 * d4 < 0


def _inside(box: Box, bounds: Box) -> bool:
    return bounds[0] <= box[0] and box[2] <= bounds[2] and bounds[1] <= box[1] and box[3] <= bounds[3]


def _candidate(f: Box, size, ux: float, uy: float, gap: float):
    """The label box beside footprint ``f`` in direction (ux, uy) at ``gap``, its text anchor and leader."""
    w, h = size[0] + 2 * PAD[0], size[1] + 2 * PAD[1]
    cx, cy = (f[0] + f[2]) / 2, (f[1] + f[3]) / 2
    if ux > 0.5:
        x0, ha, ax, sx = f[2] + gap * ux, "left", f[2] + gap * ux + PAD[0], f[2]
    elif ux < -0.5:
        x0, ha, ax, sx = f[0] + gap * ux - w, "right", f[0] + gap * ux - PAD[0], f[0]
    else:
        x0, ha, ax, sx = cx + gap * ux - w / 2, "center", cx + gap * ux, cx
    if uy > 0.5:
        y0, va, ay, sy = f[3] + gap * uy, "bottom", f[3] + gap * uy + PAD[1], f[3]
    elif uy < -0.5:
        y0, va, ay, sy = f[1] + gap * uy - h, "top", f[1] + gap * uy - PAD[1], f[1]
    else:
        y0, va, ay, sy = cy + gap * uy - h / 2, "center", cy + gap * uy, cy
    box = (x0, y0, x0 + w, y0 + h)
    end = (min(max(sx, box[0]), box[2]), min(max(sy, box[1]), box[3]))
    return box, (ax, ay), ha, va, ((sx, sy), end)


def place_labels(requests, obstacles: list[Box], rivers: list[tuple[Point, Point]], bounds: Box) -> dict:
    """Place the labels of ``requests`` in their order, as the module says.

    Parameters
    ----------
    requests : list of LabelRequest
        Most important first.
    obstacles : list of Box
        Symbols and the legend: no label may touch them.
    rivers : list of tuple
        River segments ((x0, y0), (x1, y1)): a label may cross them, at a cost.
    bounds : Box
        The drawable part of the figure.

    Returns
    -------
    dict
        Owner -> :class:`Label`, for the labels that found a place.
    """
    placed: dict = {}
    boxes: list[Box] = []
    leaders: list[tuple[Point, Point]] = []
    for req in requests:
        gaps = NEAR_GAPS + (LEADER_GAPS if req.leader else ())
        best = None
        for rank, gap in enumerate(gaps):
            for order, (ux, uy) in enumerate(DIRECTIONS if gap in NEAR_GAPS else LEADER_DIRECTIONS):
                box, anchor, ha, va, line = _candidate(req.footprint, req.size, ux, uy, gap)
                if not _inside(box, bounds) or any(overlaps(box, o) for o in obstacles):
                    continue
                if any(overlaps(box, b) for b in boxes) or any(segment_hits_box(*s, box) for s in leaders):
                    continue
                leader = line if gap not in NEAR_GAPS else None
                cost = rank * GAP_COST + order + RIVER_COST * sum(segment_hits_box(*r, box) for r in rivers)
                if leader is not None:
                    if any(segment_hits_box(*leader, o) for o in obstacles if o != req.footprint):
                        continue
                    if any(segment_hits_box(*leader, b) for b in boxes):
                        continue
                    cost += LEADER_CROSSING_COST * sum(segments_cross(*leader, *s) for s in leaders)
                if best is None or cost < best[0]:
                    best = (cost, Label(req.owner, box, anchor, ha, va, leader))
            if best is not None and best[0] < GAP_COST * (rank + 1):  # nothing crossed at this distance
                break
        if best is not None:
            label = best[1]
            placed[req.owner] = label
            boxes.append(label.box)
            if label.leader is not None:
                leaders.append(label.leader)
    return placed


def place_country_labels(places, taken: list[Box], leaders: list, rivers: list, bounds: Box) -> list:
    """Country names at their places, or the nearest free point around them (see the module).

    Parameters
    ----------
    places : list of tuple
        (key, (width, height), (x, y)): a name, its size and where it is to be centred [pt].
    taken : list of Box
        Symbols, legend and labels: a name touches none of them, nor another name.
    leaders : list of tuple
        Leader lines of the labels, as segments: a name crosses none.
    rivers : list of tuple
        River segments: a name may cross them, at a cost.
    bounds : Box
        The drawable part of the figure.

    Returns
    -------
    list
        (key, :class:`Label`) for the names that found a place, in the order of ``places``.
    """
    import math

    out = []
    boxes = list(taken)
    for key, size, (px, py) in places:
        w, h = size[0] + 2 * PAD[0], size[1] + 2 * PAD[1]
        best = None
        for radius in COUNTRY_RINGS:
            steps = 1 if radius == 0 else COUNTRY_DIRECTIONS
            for i in range(steps):
                angle = 2 * math.pi * i / steps
                cx, cy = px + radius * math.cos(angle), py + radius * math.sin(angle)
                cx = min(max(cx, bounds[0] + w / 2), bounds[2] - w / 2)
                cy = min(max(cy, bounds[1] + h / 2), bounds[3] - h / 2)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if not _inside(box, bounds) or any(overlaps(box, b) for b in boxes):
                    continue
                if any(segment_hits_box(*s, box) for s in leaders):
                    continue
                cost = math.hypot(cx - px, cy - py) + COUNTRY_RIVER_COST * sum(segment_hits_box(*r, box) for r in rivers)
                if best is None or cost < best[0]:
                    best = (cost, Label(key, box, (cx, cy), "center", "center", None))
        if best is not None:
            out.append((key, best[1]))
            boxes.append(best[1].box)
    return out
