"""Where the schematic basin map puts its stations, rivers, legend and labels: pure geometry.

The layout is computed from the network it is given (each station's coordinates and its next
station downstream), for any network of a few to some sixty stations, and from the sizes of
what is drawn (markers and texts, measured by the caller). It knows no basin: no station id,
extent or scale is fixed here. All lengths are points (1/72 inch) of the figure, y upwards;
a box is ``(x0, y0, x1, y1)``. The same input gives the same layout (fixed orders, no
randomness).

1. **Projection.** Longitude times the cosine of the mean latitude, latitude: a map of the
   network's own region, north up.
2. **Squeeze.** Along each axis, the empty band between two consecutive station coordinates is
   shortened where it is wider than ``SQUEEZE_BAND`` typical reaches (the median length of a
   reach, station to next station downstream), logarithmically (``SQUEEZE_SCALE``); then the
   coordinates go ``EVEN`` of the way to evenly spaced ones (dense parts open up). The map is
   monotone in each axis (what is west of a station stays west of it), and a long reach through
   empty country no longer takes half the figure.
3. **Fit.** One scale for both axes (the aspect is kept): the figure is ``WIDTH`` wide and as
   tall as the basin's aspect asks, within ``MIN_HEIGHT`` and ``MAX_HEIGHT``. The legend goes
   into a corner clear of stations; when no corner is clear, into a column or a row of its own,
   whichever leaves the larger scale.
4. **Spread** (:mod:`.map_spread`). Symbols closer than ``CLEARANCE`` are pushed apart along
   the line joining them, and off reaches they are not on, for a fixed number of rounds in a
   fixed order, inside the figure and clear of the legend; if some still touch, every symbol
   goes to the nearest free cell of a grid (which cannot overlap).
5. **Symbols.** A reservoir tank is ``TANK_SHARE`` of the median distance between a station
   and its nearest neighbour on the fitted map, within ``TANK_MIN`` and ``TANK_MAX``; the water
   body of the outlet twice that, within ``SEA_MIN`` and ``SEA_MAX``, beyond the last station of
   the main river (the one with the most stations upstream) in the direction of the reaches
   into it. Rivers are one straight reach from each station to its next station downstream,
   wider the more stations lie upstream. (Chosen before the spreading, which moves them too.)
6. **Labels** (:mod:`.map_labels`, greedy, never over anything). The order decides which labels
   are left out when a network is too dense for all: the outlet's name; the stations at alert,
   then warning, then watch; reservoirs; the last station of the main river; then the stations
   with the most stations upstream first (the main stem before the headwaters), in network
   order. Up to ``LEADERS_FOR_ALL`` stations any label may be set away from its station with a
   leader line; beyond, only the labels of the first four groups: the others are written next
   to their station or not at all. Country names come last.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

from .map_labels import Label, LabelRequest, place_country_labels, place_labels
from .map_spread import shift as _shift
from .map_spread import spread as _spread
from .symbols import WIDTH_IN

WIDTH = WIDTH_IN * 72.0  # figure width [pt]
MIN_HEIGHT = 216.0  # figure height bounds [pt]: 3 to 5 inches
MAX_HEIGHT = 360.0
MARGIN = 18.0  # between the stations and the edge of the figure, room for their labels [pt]
EDGE = 2.0  # nothing is drawn closer than this to the edge [pt]
LEGEND_GAP = 6.0  # between the legend and the stations [pt]
SQUEEZE_BAND = 1.0  # [median reach lengths]
SQUEEZE_SCALE = 0.6
EVEN = 0.6  # share of evenly spaced coordinates in the squeezed ones
TANK_SHARE, TANK_MIN, TANK_MAX = 0.3, 8.0, 13.0  # tank width: share of the nearest-neighbour distance, bounds [pt]
TANK_ASPECT = 0.8  # tank height / width
SEA_MIN, SEA_MAX = 18.0, 28.0  # width of the outlet's water body [pt]; height 0.6 of it
REACH_WIDTH = (1.1, 0.4, 2.6)  # line width [pt]: base + slope * log2(1 + stations upstream), at most
OUTLET = "~outlet"  # key of the outlet's water body among the symbols
LEADERS_FOR_ALL = 30  # up to this many stations, any label may be set away with a leader line

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapNode:
    """A station to lay out: where it is, where its river goes, how big its marker and label are."""

    id: str
    kind: str  # gauge | reservoir
    lon: float
    lat: float
    downstream: str | None
    marker: float  # half the side of the box of its level marker [pt]
    label: tuple[float, float] | None  # width and height of its label [pt]; None: none
    rank: int  # 0 alert, 1 warning, 2 watch, 3 any other level: the order of the labels


@dataclass(frozen=True)
class CountryPlace:
    """Where a country's name is to be written: the text's size [pt] and the place [lon, lat]."""

    key: object
    size: tuple[float, float]
    lon: float
    lat: float


@dataclass(frozen=True)
class Reach:
    """A river reach from a station to its next station downstream (or to the outlet)."""

    up: str
    down: str  # a station id, or OUTLET
    start: tuple[float, float]
    end: tuple[float, float]
    width: float  # [pt]


@dataclass(frozen=True)
class MapLayout:
    """Everything the map draws, and where: the result of :func:`layout_map`."""

    width: float
    height: float
    positions: dict  # station id -> (x, y): the level marker of a gauge, the centre of a tank
    markers: dict  # station id -> box of its level marker
    tanks: dict  # reservoir id -> box of its tank
    footprints: dict  # station id (and OUTLET) -> box of all its symbol
    reaches: tuple  # Reach, network order; the reach to the outlet last
    outlet: tuple | None  # (terminal station, centre, (width, height) of the water body)
    legend: Box
    legend_row: bool  # the legend has a row of its own (in several columns: ``wide_legend``)
    labels: dict  # station id (and OUTLET) -> Label; a station without a place for its label is absent
    countries: tuple  # (CountryPlace.key, Label), in the order given; a name without a place is absent

    def symbols(self) -> list[Box]:
        """The boxes of the station symbols and of the outlet's water body."""
        return list(self.footprints.values())


# ---- projection and fit ------------------------------------------------------------------------

def _squeeze(values, band: float, scale: float, even: float):
    """A monotone map of coordinates that shortens the empty bands and opens up the dense parts.

    A gap wider than ``band`` becomes ``band * (1 + scale * ln(gap / band))``; then the values go
    ``even`` of the way to evenly spaced ones (the same extent, the same order).
    """

    def shorten(gap: float) -> float:
        return gap if gap <= band else band * (1 + scale * math.log(gap / band))

    xs = sorted(set(values))
    ys = [0.0]
    for a, b in zip(xs, xs[1:], strict=False):
        ys.append(ys[-1] + shorten(b - a))
    step = ys[-1] / (len(xs) - 1) if len(xs) > 1 else 0.0
    ys = [(1 - even) * y + even * step * i for i, y in enumerate(ys)]

    def f(v: float) -> float:
        if v <= xs[0]:
            return ys[0] - shorten(xs[0] - v)
        if v >= xs[-1]:
            return ys[-1] + shorten(v - xs[-1])
        i = bisect_right(xs, v) - 1
        return ys[i] + (ys[i + 1] - ys[i]) * (v - xs[i]) / (xs[i + 1] - xs[i])

    return f


def _extent(points) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _height(area_w: float, ext: Box, extra: float) -> float:
    """The figure height that keeps the basin's aspect in ``area_w`` (plus ``extra``), within bounds."""
    ex, ey = ext[2] - ext[0], ext[3] - ext[1]
    want = (area_w * ey / ex if ex > 0 else (MAX_HEIGHT if ey > 0 else 0.0)) + 2 * MARGIN + extra
    return min(MAX_HEIGHT, max(MIN_HEIGHT, want))


def _scale(ext: Box, area: Box) -> float | None:
    """Points per map unit that fit ``ext`` into ``area``; None for an extent of a single point."""
    ex, ey = ext[2] - ext[0], ext[3] - ext[1]
    aw, ah = area[2] - area[0], area[3] - area[1]
    scales = [s for s in (aw / ex if ex > 0 else None, ah / ey if ey > 0 else None) if s is not None]
    return min(scales) if scales else None


def _transform(ext: Box, area: Box, s: float):
    """Map units -> points: scale ``s``, the extent centred in ``area``."""
    cx, cy = (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2
    ax, ay = (area[0] + area[2]) / 2, (area[1] + area[3]) / 2
    return lambda p: (ax + (p[0] - cx) * s, ay + (p[1] - cy) * s)


def _options(ext: Box, legend: tuple[float, float], wide: tuple[float, float]):
    """Candidate frames: (kind, figure height, station area, legend box), in order of preference.

    ``legend``: the size of the legend in one column; ``wide``: in several, for a row of its own.
    """
    lw, lh = legend
    h = max(_height(WIDTH - 2 * MARGIN, ext, 0.0), lh + 2 * EDGE + 2 * MARGIN)
    full = (MARGIN, MARGIN, WIDTH - MARGIN, h - MARGIN)
    corners = {"ne": (WIDTH - EDGE - lw, h - EDGE - lh), "nw": (EDGE, h - EDGE - lh),
               "se": (WIDTH - EDGE - lw, EDGE), "sw": (EDGE, EDGE)}
    for x, y in corners.values():
        yield "corner", h, full, (x, y, x + lw, y + lh)
    side = lw + LEGEND_GAP
    yield "column", h, (MARGIN + side, MARGIN, WIDTH - MARGIN, h - MARGIN), (EDGE, h - EDGE - lh, EDGE + lw, h - EDGE)
    yield "column", h, (MARGIN, MARGIN, WIDTH - MARGIN - side, h - MARGIN), (WIDTH - EDGE - lw, h - EDGE - lh,
                                                                             WIDTH - EDGE, h - EDGE)
    lw, lh = wide
    hr = max(_height(WIDTH - 2 * MARGIN, ext, lh + LEGEND_GAP), lh + 2 * EDGE + 2 * MARGIN)
    x0 = (WIDTH - lw) / 2
    yield "row", hr, (MARGIN, MARGIN + lh + LEGEND_GAP, WIDTH - MARGIN, hr - MARGIN), (x0, EDGE, x0 + lw, EDGE + lh)


def _frame(points: list, legend: tuple, outlet_dir, outlet_len: float):
    """The figure height, the map units -> points transform and the legend box.

    ``points``: the squeezed positions, the terminal station of the outlet first when
    ``outlet_dir`` is given: the water body is put ``outlet_len`` points beyond it, inside the frame.
    ``legend``: its size in one column and in several.
    """
    best = None
    for kind, h, area, box in _options(_extent(points), *legend):
        pts = list(points)
        s = _scale(_extent(pts), area)
        if outlet_dir is not None:  # at ``outlet_len`` on the stations' scale, then all fitted: a little less
            t, d = points[0], outlet_len / (s or 1.0)
            pts.append((t[0] + outlet_dir[0] * d, t[1] + outlet_dir[1] * d))
        ext = _extent(pts)
        s = 1.0 if s is None else _scale(ext, area)  # the stations in one point: map units are points
        to_pt = _transform(ext, area, s)
        if kind == "corner":
            grown = (box[0] - LEGEND_GAP - MARGIN / 2, box[1] - LEGEND_GAP - MARGIN / 2,
                     box[2] + LEGEND_GAP + MARGIN / 2, box[3] + LEGEND_GAP + MARGIN / 2)
            if any(_inside(to_pt(p), grown) for p in pts):
                continue
            return h, to_pt, box, kind, pts[len(points):]
        if best is None or s > best[0] * (1 + 1e-9):
            best = (s, (h, to_pt, box, kind, pts[len(points):]))
    return best[1]


def _inside(p, box: Box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


# ---- the map -------------------------------------------------------------------------------------

def _topology(nodes):
    """Next station downstream on the map (or None) and the number of stations upstream of each."""
    ids = {n.id for n in nodes}
    down = {n.id: n.downstream if n.downstream in ids and n.downstream != n.id else None for n in nodes}
    ups = {n.id: [] for n in nodes}
    for a, b in down.items():
        if b is not None:
            ups[b].append(a)
    count = {}
    for n in nodes:
        seen, todo = {n.id}, list(ups[n.id])
        while todo:
            u = todo.pop()
            if u not in seen:
                seen.add(u)
                todo += ups[u]
        count[n.id] = len(seen) - 1
    return down, ups, count


def _reach_width(upstream: int) -> float:
    base, slope, most = REACH_WIDTH
    return min(most, base + slope * math.log2(1 + upstream))


def layout_map(nodes: list[MapNode], legend: tuple[float, float], outlet_label: tuple[float, float] | None = None,
               countries: tuple[CountryPlace, ...] = (), wide_legend: tuple[float, float] | None = None) -> MapLayout:
    """Lay out the map of ``nodes`` (network order, upstream to downstream) as the module says.

    Parameters
    ----------
    nodes : list of MapNode
        The stations, with the sizes of their markers and labels.
    legend : tuple of float
        Width and height of the legend [pt].
    outlet_label : tuple of float, optional
        Size of the name of the water body the network ends in; None: the network has no outlet.
    countries : tuple of CountryPlace
        Where the names of the countries are to be written.
    wide_legend : tuple of float, optional
        Width and height of the legend in several columns, for a row of its own below the map.

    Returns
    -------
    MapLayout
    """
    down, ups, upstream = _topology(nodes)
    lat0 = sum(n.lat for n in nodes) / len(nodes)
    k = math.cos(math.radians(lat0))
    raw = {n.id: (n.lon * k, n.lat) for n in nodes}
    lengths = [math.dist(raw[a], raw[b]) for a, b in down.items() if b is not None]
    lengths = [v for v in lengths if v > 0]
    if not lengths:  # no reach: the distance of each station to its nearest neighbour
        lengths = [v for v in (min((math.dist(p, q) for j, q in raw.items() if j != i), default=0.0)
                               for i, p in raw.items()) if v > 0]
    ref = median(lengths) if lengths else 1.0
    fx = _squeeze([p[0] for p in raw.values()], SQUEEZE_BAND * ref, SQUEEZE_SCALE, EVEN)
    fy = _squeeze([p[1] for p in raw.values()], SQUEEZE_BAND * ref, SQUEEZE_SCALE, EVEN)
    sq = {i: (fx(p[0]), fy(p[1])) for i, p in raw.items()}

    terminal, direction = None, None
    ends = [n.id for n in nodes if n.downstream is None]
    if outlet_label is not None and ends:
        order = {n.id: i for i, n in enumerate(nodes)}
        terminal = max(ends, key=lambda i: (upstream[i], order[i]))
        tx, ty = sq[terminal]
        src = [sq[u] for u in ups[terminal]] or list(sq.values())
        dx = tx - sum(p[0] for p in src) / len(src)
        dy = ty - sum(p[1] for p in src) / len(src)
        norm = math.hypot(dx, dy)
        direction = (dx / norm, dy / norm) if norm > 1e-12 else (-1.0, 0.0)

    n = len(nodes)
    sea_w = min(SEA_MAX, max(SEA_MIN, 2 * TANK_MAX))  # the largest, for the room of the water body
    ids = [nd.id for nd in nodes]
    points = [sq[terminal]] + [sq[i] for i in ids] if terminal else [sq[i] for i in ids]
    height, to_pt, legend_box, frame, extra = _frame(points, (legend, wide_legend or legend), direction,
                                                     1.2 * sea_w + 10)
    pos = {i: to_pt(sq[i]) for i in ids}
    bounds = (EDGE, EDGE, WIDTH - EDGE, height - EDGE)

    near = [min((math.dist(p, q) for j, q in pos.items() if j != i), default=0.0) for i, p in pos.items()]
    tank_w = min(TANK_MAX, max(TANK_MIN, TANK_SHARE * median(near)))
    tank_h = TANK_ASPECT * tank_w
    sea_w = min(SEA_MAX, max(SEA_MIN, 2 * tank_w))
    sea = (sea_w, 0.6 * sea_w)
    fp, rel_marker, rel_tank = {}, {}, {}
    for nd in nodes:
        r = nd.marker
        if nd.kind == "reservoir":
            rel_tank[nd.id] = (-tank_w / 2, -tank_h / 2, tank_w / 2, tank_h / 2)
            rel_marker[nd.id] = (tank_w / 2 - r, tank_h / 2 - r, tank_w / 2 + r, tank_h / 2 + r)
            fp[nd.id] = (-tank_w / 2, -tank_h / 2, tank_w / 2 + r, tank_h / 2 + r)
        else:
            rel_marker[nd.id] = fp[nd.id] = (-r, -r, r, r)
    links = [(a, b) for a, b in down.items() if b is not None]
    if terminal:
        pos[OUTLET] = to_pt(extra[0])
        fp[OUTLET] = (-sea[0] / 2, -sea[1] / 2, sea[0] / 2, sea[1] / 2)
        links.append((terminal, OUTLET))
    pos = _spread(pos, fp, bounds, legend_box, links)

    reaches = [Reach(a, b, pos[a], pos[b], _reach_width(upstream[a])) for a, b in links if b != OUTLET]
    if terminal:
        reaches.append(Reach(terminal, OUTLET, pos[terminal], pos[OUTLET], _reach_width(upstream[terminal] + 1)))
    footprints = {i: _shift(f, pos[i]) for i, f in fp.items()}
    obstacles = [*footprints.values(), legend_box]
    segments = [(r.start, r.end) for r in reaches]

    requests = []
    if terminal and outlet_label is not None:
        requests.append(LabelRequest(OUTLET, outlet_label, footprints[OUTLET], True))
    many = n > LEADERS_FOR_ALL

    def priority(nd):
        return (nd.rank, nd.kind != "reservoir", nd.id != terminal, -upstream[nd.id], ids.index(nd.id))

    for nd in sorted(nodes, key=priority):
        if nd.label is not None:
            key = nd.rank < 3 or nd.kind == "reservoir" or nd.id == terminal
            requests.append(LabelRequest(nd.id, nd.label, footprints[nd.id], key or not many))
    labels = place_labels(requests, obstacles, segments, bounds)
    taken = [*obstacles, *(lab.box for lab in labels.values())]
    leaders = [lab.leader for lab in labels.values() if lab.leader is not None]
    places = [(c.key, c.size, to_pt((fx(c.lon * k), fy(c.lat)))) for c in countries]
    named = place_country_labels(places, taken, leaders, segments, bounds)
    return MapLayout(
        width=WIDTH, height=height, positions={i: pos[i] for i in ids},
        markers={i: _shift(rel_marker[i], pos[i]) for i in ids},
        tanks={i: _shift(rel_tank[i], pos[i]) for i in rel_tank},
        footprints=footprints, reaches=tuple(reaches),
        outlet=(terminal, pos[OUTLET], sea) if terminal else None,
        legend=legend_box, legend_row=frame == "row", labels=labels, countries=tuple(named))

__all__ = ["CountryPlace", "Label", "MapLayout", "MapNode", "Reach", "layout_map"]
