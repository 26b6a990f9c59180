"""The schematic basin map as inline SVG: rivers, stations by level, reservoirs by fill.

Drawn from the values of :class:`bulletin.overview.BasinMap` alone, with the words given by the
caller (``labels``, already translated). Deterministic like the hydrographs (:mod:`.svg`), labels
placed by a fixed search order. Stations are marked as :mod:`.symbols` says.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.legend_handler import HandlerBase  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Ellipse, Rectangle  # noqa: E402

from .i18n import Localizer  # noqa: E402
from .svg import RC_PARAMS, figure_svg  # noqa: E402
from .symbols import (  # noqa: E402
    INK,
    LEVEL_MARKER_SIZES,
    LEVEL_ORDER,
    NO_LEVEL,
    RULE,
    WATER_COLOUR,
    WIDTH_IN,
    level_key,
    marker_style,
)

RIVER_COLOUR = "#7fb2dc"
SEA_COLOUR = "#d6e8f5"
LABEL_SIZE = 6.6  # station labels [pt]


# ---- label placement -----------------------------------------------------------------------

class _Boxes:
    """Boxes in display units (x0, y0, x1, y1) and the area a candidate box overlaps them."""

    def __init__(self):
        self.boxes: list[tuple[float, float, float, float]] = []

    def add(self, box):
        self.boxes.append(tuple(box))

    def hits(self, x: float, y: float) -> int:
        """Boxes that contain the point."""
        return sum(1 for a0, b0, a1, b1 in self.boxes if a0 <= x <= a1 and b0 <= y <= b1)

    def overlap(self, box) -> float:
        x0, y0, x1, y1 = box
        total = 0.0
        for a0, b0, a1, b1 in self.boxes:
            w = min(x1, a1) - max(x0, a0)
            h = min(y1, b1) - max(y0, b0)
            if w > 0 and h > 0:
                total += w * h
        return total


# direction -> (unit x, unit y, horizontal alignment, vertical alignment), in order of preference
_DIRECTIONS = (
    ("e", 1, 0, "left", "center"), ("w", -1, 0, "right", "center"),
    ("ne", 0.75, 0.75, "left", "bottom"), ("nw", -0.75, 0.75, "right", "bottom"),
    ("se", 0.75, -0.75, "left", "top"), ("sw", -0.75, -0.75, "right", "top"),
    ("n", 0, 1, "center", "bottom"), ("s", 0, -1, "center", "top"),
)
_GAPS = (2.0, 7.0, 13.0, 20.0, 28.0)  # distance of the label from the marker's edge [pt]


def _text_box(anchor, size, ha, va):
    (ax_, ay), (w, h) = anchor, size
    x0 = ax_ if ha == "left" else ax_ - w if ha == "right" else ax_ - w / 2
    y0 = ay if va == "bottom" else ay - h if va == "top" else ay - h / 2
    return (x0, y0, x0 + w, y0 + h)


def _place(ax, renderer, xy, text, radius, hard: _Boxes, soft: _Boxes, rivers: list, bounds, **text_kw):
    """Write ``text`` next to the point ``xy`` (data) where it overlaps the least.

    A label set away from its point gets a thin leader line. Returns the box it took (display units).
    """
    px = ax.figure.dpi / 72.0
    probe = ax.text(0, 0, text, **text_kw)
    ext = probe.get_window_extent(renderer)
    probe.remove()
    size = (ext.width + 2 * px, ext.height)
    cx, cy = ax.transData.transform(xy)
    best = None
    for rank, gap in enumerate(_GAPS):
        for order, (_, ux, uy, ha, va) in enumerate(_DIRECTIONS):
            d = (radius + gap) * px
            anchor = (cx + ux * d, cy + uy * d)
            box = _text_box(anchor, size, ha, va)
            outside = (max(0, bounds[0] - box[0]) + max(0, box[2] - bounds[2]) + max(0, bounds[1] - box[1])
                       + max(0, box[3] - bounds[3]))
            crossings = sum(1 for rx, ry in rivers if box[0] <= rx <= box[2] and box[1] <= ry <= box[3])
            # a leader line must not run through other symbols or labels
            start = radius * px
            leader = sum(hard.hits(cx + ux * (start + (d - start) * t), cy + uy * (start + (d - start) * t))
                         for t in (0.2, 0.4, 0.6, 0.8, 1.0)) if gap > _GAPS[0] else 0
            cost = (1000 * outside + 40 * hard.overlap(box) + 12 * soft.overlap(box) + 30 * crossings
                    + 2000 * leader + 120 * rank + order)
            if best is None or cost < best[0]:
                best = (cost, gap, ux, uy, ha, va, box)
        if best[0] < 120 * (rank + 1):  # nothing overlapped at this distance
            break
    _, gap, ux, uy, ha, va, box = best
    d = radius + gap
    leader = {"arrowprops": {"arrowstyle": "-", "color": "#8c8c8c", "linewidth": 0.4, "shrinkA": 0,
                             "shrinkB": radius}} if gap > _GAPS[0] else {}
    ax.annotate(text, xy=xy, xytext=(ux * d, uy * d), textcoords="offset points", ha=ha, va=va,
                **text_kw, **leader)
    hard.add(box)
    return box


# ---- schematic map -------------------------------------------------------------------------

GAUGE_FOOTPRINT = 4.5  # half the space a gauge marker takes [pt]
RESERVOIR_FOOTPRINT = 8.0  # half the space of a reservoir tank with its level marker [pt]
SEA_SIZE = (0.55, 0.4)  # the water body the rivers end in, width and height [map units]
MIN_CLEARANCE = 6.0  # least gap between two station symbols [pt]
EMPTY_BAND = 0.6  # a band of latitude wider than this [degree] without a station is shortened ...
EMPTY_BAND_SCALE = 0.25  # ... to this share of the rest of its width


def _squeeze(values, band: float, scale: float):
    """A monotone map of latitudes that shortens the empty bands between stations.

    The part of each gap between consecutive values beyond ``band`` is scaled by ``scale``; order
    is kept, and the dense parts of the map keep their scale.
    """
    xs = sorted(set(values))
    ys = [xs[0]]
    for a, b in zip(xs, xs[1:], strict=False):
        gap = b - a
        ys.append(ys[-1] + (gap if gap <= band else band + (gap - band) * scale))

    def f(v: float) -> float:
        if v <= xs[0]:
            return ys[0] + (v - xs[0])
        if v >= xs[-1]:
            return ys[-1] + (v - xs[-1])
        return float(np.interp(v, xs, ys))

    return f


def _spread(pos: dict, radius: dict, clearance: float, rounds: int = 60) -> dict:
    """Move apart the stations whose symbols would overlap (a schematic map may).

    Each pair closer than their radii plus ``clearance`` is pushed apart along the line joining
    them, half each, for a fixed number of rounds in a fixed order (the same input gives the same
    map).
    """
    ids = list(pos)
    p = {k: list(v) for k, v in pos.items()}
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                need = radius[a] + radius[b] + clearance
                dx, dy = p[b][0] - p[a][0], p[b][1] - p[a][1]
                d = math.hypot(dx, dy)
                if d >= need - 1e-9:
                    continue
                ux, uy = (dx / d, dy / d) if d > 0 else (1.0, 0.0)
                push = (need - d) / 2
                p[a][0] -= ux * push
                p[a][1] -= uy * push
                p[b][0] += ux * push
                p[b][1] += uy * push
                moved = True
        if not moved:
            break
    return {k: tuple(v) for k, v in p.items()}


class _TankHandle:
    """Legend stand-in for a reservoir symbol (``known``: with its fill, else hatched)."""

    def __init__(self, known: bool = True):
        self.known = known


class _TankHandler(HandlerBase):
    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):
        w, h = height * 1.3, height * 1.1
        x0, y0 = xdescent + (width - w) / 2, ydescent + (height - h) / 2
        if orig_handle.known:
            inside = Rectangle((x0, y0), w, h * 0.45, facecolor=WATER_COLOUR, edgecolor="none", transform=trans)
        else:
            inside = Rectangle((x0, y0), w, h, facecolor="none", edgecolor="#9e9e9e", hatch="/////", linewidth=0,
                               transform=trans)
        outline = Rectangle((x0, y0), w, h, facecolor="none", edgecolor=INK, linewidth=0.8, transform=trans)
        return [inside, outline]


def basin_map_svg(m, loc: Localizer, labels: dict, fig_id: str = "fig-basin-map") -> str:
    """Rivers from each station to the next downstream, stations by level, reservoirs by fill.

    Parameters
    ----------
    m : bulletin.document.overview.BasinMap
    loc : Localizer
        Language of the numbers, units and names.
    labels : dict
        Translated words: one per level key of ``LEVEL_ORDER``, ``reservoir``, ``fill_unknown``
        (a reservoir whose fill is not known), ``river``, ``title``.
    fig_id : str
        Id of the figure in the page.

    Returns
    -------
    str
        The inline ``<svg>`` element, its ids prefixed with ``fig_id``.
    """
    stations = m.stations
    by_id = {s.id: s for s in stations}
    lat0 = sum(s.lat for s in stations) / len(stations)
    k = math.cos(math.radians(lat0))
    north = _squeeze([s.lat for s in stations], EMPTY_BAND, EMPTY_BAND_SCALE)

    def proj(lon, lat):
        return lon * k, north(lat)

    pos = {s.id: proj(s.lon, s.lat) for s in stations}
    # where the rivers end: beyond the last station, in the direction of the reach into it
    outlets = []
    if m.outlet is not None:
        for s in stations:
            if s.downstream is None:
                ups = [pos[u.id] for u in stations if u.downstream == s.id]
                x, y = pos[s.id]
                if ups:
                    ux, uy = x - sum(p[0] for p in ups) / len(ups), y - sum(p[1] for p in ups) / len(ups)
                    norm = math.hypot(ux, uy) or 1.0
                    ux, uy = ux / norm, uy / norm
                else:
                    ux, uy = -1.0, 0.0
                outlets.append((s.id, (x + 0.55 * ux, y + 0.55 * uy)))
    places = [proj(*p) for c in m.countries for p in c.places]
    xs = [p[0] for p in pos.values()] + [p[0] for p in places] + [o[1][0] for o in outlets]
    ys = [p[1] for p in pos.values()] + [p[1] for p in places] + [o[1][1] for o in outlets]
    margin = 0.3
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    height = WIDTH_IN * (y1 - y0) / (x1 - x0)
    unit = (x1 - x0) / (WIDTH_IN * 72)  # data units per point
    footprint = {s.id: (RESERVOIR_FOOTPRINT if s.kind == "reservoir" else GAUGE_FOOTPRINT) for s in stations}
    pos = _spread(pos, {sid: r * unit for sid, r in footprint.items()}, MIN_CLEARANCE * unit)
    with plt.rc_context(RC_PARAMS):
        f = plt.figure(figsize=(WIDTH_IN, height))
        ax = f.add_axes((0, 0, 1, 1))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_axis_off()
        renderer = f.canvas.get_renderer()
        hard, soft = _Boxes(), _Boxes()
        px = f.dpi / 72.0
        # countries, faint, under everything
        for c in m.countries:
            for lon, lat in c.places:
                t = ax.text(*proj(lon, lat), loc.value(c.name).upper(), ha="center", va="center", fontsize=9.5,
                            color="#a3a3a3", fontweight="bold", zorder=0)
                ext = t.get_window_extent(renderer)
                shift = max(0.0, 4 * px - ext.x0) - max(0.0, ext.x1 - (f.bbox.width - 4 * px))
                if shift:  # keep the name inside the picture
                    t.set_x(t.get_position()[0] + shift / px * unit)
                    ext = t.get_window_extent(renderer)
                soft.add(ext.extents)
        # rivers
        rivers = []
        for s in stations:
            if s.downstream in by_id:
                (xa, ya), (xb, yb) = pos[s.id], pos[s.downstream]
                ax.plot([xa, xb], [ya, yb], color=RIVER_COLOUR, linewidth=1.8, solid_capstyle="round", zorder=1)
                (pa, qa), (pb, qb) = ax.transData.transform((xa, ya)), ax.transData.transform((xb, yb))
                n = max(2, int(math.hypot(pb - pa, qb - qa) / (3 * px)))
                rivers += [(pa + (pb - pa) * i / n, qa + (qb - qa) * i / n) for i in range(1, n)]
        seas = []
        for sid, (sx, sy) in outlets:
            ax.plot([pos[sid][0], sx], [pos[sid][1], sy], color=RIVER_COLOUR, linewidth=1.8, zorder=1)
            sea = Ellipse((sx, sy), SEA_SIZE[0], SEA_SIZE[1], facecolor=SEA_COLOUR, edgecolor=RIVER_COLOUR,
                          linewidth=0.8, zorder=1)
            ax.add_patch(sea)
            seas.append(((sx, sy), sea.get_window_extent(renderer).extents))
        # stations: gauges by a level marker; reservoirs by a tank filled to their fill, with the
        # level marker on its upper right corner
        tank_w, tank_h = 11 * unit, 9 * unit
        radii = {}
        attributes = {}
        for s in stations:
            x, y = pos[s.id]
            key = level_key(s.level)
            attributes[f"station-{s.id}"] = {"data-level": key, "data-kind": s.kind}
            if s.kind == "reservoir":
                fill = None if s.fill is None or s.fill.value is None else min(max(s.fill.value, 0.0), 100.0)
                ax.add_patch(Rectangle((x - tank_w / 2, y - tank_h / 2), tank_w, tank_h, facecolor="#ffffff",
                                       edgecolor="none", zorder=3))
                if fill is not None:
                    ax.add_patch(Rectangle((x - tank_w / 2, y - tank_h / 2), tank_w, tank_h * fill / 100,
                                           facecolor=WATER_COLOUR, edgecolor="none", zorder=3))
                else:
                    ax.add_patch(Rectangle((x - tank_w / 2, y - tank_h / 2), tank_w, tank_h, facecolor="none",
                                           edgecolor="#9e9e9e", hatch="/////", linewidth=0, zorder=3))
                ax.add_patch(Rectangle((x - tank_w / 2, y - tank_h / 2), tank_w, tank_h, facecolor="none",
                                       edgecolor=INK, linewidth=0.9, zorder=4, gid=f"reservoir-{s.id}"))
                ax.plot([x + tank_w / 2], [y + tank_h / 2], zorder=5, gid=f"station-{s.id}",
                        **marker_style(s.level, 0.85))
                radii[s.id] = RESERVOIR_FOOTPRINT
            else:
                ax.plot([x], [y], zorder=5, gid=f"station-{s.id}", **marker_style(s.level))
                radii[s.id] = LEVEL_MARKER_SIZES[key] / 2 + 0.5
            cx, cy = ax.transData.transform((x, y))
            r = radii[s.id] * px
            hard.add((cx - r, cy - r, cx + r, cy + r))
        # legend, where it covers the least
        handles = [Line2D([], [], **marker_style(None if lev == NO_LEVEL else lev)) for lev in LEVEL_ORDER]
        names = [labels[lev] for lev in LEVEL_ORDER]
        handles.append(_TankHandle())
        names.append(labels["reservoir"])
        if any(s.kind == "reservoir" and (s.fill is None or s.fill.value is None) for s in stations):
            handles.append(_TankHandle(known=False))
            names.append(labels["fill_unknown"])
        handles.append(Line2D([], [], color=RIVER_COLOUR, linewidth=1.8))
        names.append(labels["river"])
        legend = ax.legend(handles, names, title=labels["title"], loc="best", fontsize=6.5, title_fontsize=7,
                           frameon=True, framealpha=0.92, edgecolor=RULE, borderpad=0.6, labelspacing=0.45,
                           handler_map={_TankHandle: _TankHandler()})
        legend.get_title().set_fontweight("bold")
        legend.set_zorder(6)
        hard.add(legend.get_window_extent(renderer).extents)
        bounds = (2 * px, 2 * px, f.bbox.width - 2 * px, f.bbox.height - 2 * px)
        for centre, ext in seas:
            hard.add(ext)
            _place(ax, renderer, centre, loc.value(m.outlet), SEA_SIZE[0] / 2 / unit, hard, soft, rivers, bounds,
                   fontsize=LABEL_SIZE, fontstyle="italic", color="#3d6f99", zorder=6)
        # labels: flagged stations and reservoirs first, they get the best places
        def priority(s):
            rank = {"alert": 0, "warning": 1, "watch": 2}.get(s.level, 3)
            return (rank, s.kind != "reservoir")

        for s in sorted(stations, key=priority):
            text = loc.value(s.label)
            if s.fill is not None and s.fill.value is not None:
                text = f"{text} {loc.quantity(s.fill)}"
            flagged = s.level in ("watch", "warning", "alert")
            _place(ax, renderer, pos[s.id], text, radii[s.id], hard, soft, rivers, bounds,
                   fontsize=LABEL_SIZE, fontweight="bold" if flagged else "normal", color=INK, zorder=6)
        return figure_svg(f, fig_id, attributes)
