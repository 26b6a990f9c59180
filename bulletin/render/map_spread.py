"""Symbols of the schematic basin map moved apart until none touches another: pure geometry.

Stations whose symbols (boxes, in points) are closer than ``CLEARANCE`` are pushed apart along
the line joining them, half each, pair by pair in a fixed order; a symbol lying on a reach it
is not on is pushed off it a little in each of the first ``RIVER_ROUNDS`` rounds; every symbol
is kept inside the figure and clear of the legend. After at most ``SPREAD_ROUNDS`` rounds, if two symbols still touch, every
symbol goes to the nearest free cell of a grid of cells as large as the largest symbol (cells
do not overlap, so neither can the symbols). The same input gives the same positions.
"""

from __future__ import annotations

import math

from .map_labels import overlaps as _overlaps
from .map_labels import segment_hits_box as _segment_hits_box

CLEARANCE = 6.0  # least gap between two symbols [pt]
RIVER_CLEARANCE = 1.5  # least gap between a symbol and a reach it is not on [pt]
SPREAD_ROUNDS = 200
RIVER_ROUNDS = 60  # rounds in which symbols are also pushed off reaches
RIVER_STEP = 1.0  # [pt] a round

Box = tuple[float, float, float, float]


def shift(box: Box, p) -> Box:
    """The box ``box`` (relative to a point) moved to the point ``p``."""
    return box[0] + p[0], box[1] + p[1], box[2] + p[0], box[3] + p[1]


def _separation(pa, fa: Box, pb, fb: Box, u) -> float:
    """How far to move b from a along ``u`` so that their boxes keep ``CLEARANCE`` between them."""
    a, b = shift(fa, pa), shift(fb, pb)
    need = []
    for k, lo, hi in ((0, 0, 2), (1, 1, 3)):
        if u[k] > 1e-12:
            need.append((a[hi] + CLEARANCE - b[lo]) / u[k])
        elif u[k] < -1e-12:
            need.append((b[hi] + CLEARANCE - a[lo]) / -u[k])
    return max(0.0, min(need))


def _clash(pa, fa, pb, fb) -> bool:
    a, b = shift(fa, pa), shift(fb, pb)
    c = CLEARANCE - 1e-6
    return a[0] < b[2] + c and b[0] < a[2] + c and a[1] < b[3] + c and b[1] < a[3] + c


def _keep_in(p: list, f: Box, bounds: Box, legend: Box) -> bool:
    """Move ``p`` so that its box ``f`` is inside ``bounds`` and clear of the legend; True if it moved."""
    x, y = p
    b = shift(f, p)
    x += max(0.0, bounds[0] - b[0]) - max(0.0, b[2] - bounds[2])
    y += max(0.0, bounds[1] - b[1]) - max(0.0, b[3] - bounds[3])
    b = shift(f, (x, y))
    g = (legend[0] - CLEARANCE, legend[1] - CLEARANCE, legend[2] + CLEARANCE, legend[3] + CLEARANCE)
    if _overlaps(b, g):
        moves = [(g[2] - b[0], 0.0), (g[0] - b[2], 0.0), (0.0, g[3] - b[1]), (0.0, g[1] - b[3])]
        ok = [m for m in moves if bounds[0] <= b[0] + m[0] and b[2] + m[0] <= bounds[2]
              and bounds[1] <= b[1] + m[1] and b[3] + m[1] <= bounds[3]]
        dx, dy = min(ok or moves, key=lambda m: abs(m[0]) + abs(m[1]))
        x, y = x + dx, y + dy
    moved = abs(x - p[0]) + abs(y - p[1]) > 1e-9
    p[0], p[1] = x, y
    return moved


def _off_reaches(ids, p, fp, links) -> bool:
    """Push each symbol off the reaches it is not on, ``RIVER_STEP`` each round; True if one moved."""
    moved = False
    for c in ids:
        box = shift(fp[c], p[c])
        g = (box[0] - RIVER_CLEARANCE, box[1] - RIVER_CLEARANCE, box[2] + RIVER_CLEARANCE, box[3] + RIVER_CLEARANCE)
        for a, b in links:
            (xa, ya), (xb, yb) = p[a], p[b]
            if c == a or c == b or max(xa, xb) < g[0] or min(xa, xb) > g[2] or max(ya, yb) < g[1] or min(ya, yb) > g[3]:
                continue
            if not _segment_hits_box(p[a], p[b], g):
                continue
            norm = math.hypot(xb - xa, yb - ya) or 1.0
            nx, ny = -(yb - ya) / norm, (xb - xa) / norm
            side = 1.0 if ((g[0] + g[2]) / 2 - xa) * nx + ((g[1] + g[3]) / 2 - ya) * ny >= 0 else -1.0
            p[c][0] += side * nx * RIVER_STEP
            p[c][1] += side * ny * RIVER_STEP
            moved = True
            break  # one reach a round: the next round sees where it went
    return moved


def spread(pos: dict, fp: dict, bounds: Box, legend: Box, links: list) -> dict:
    """Symbols apart from each other, inside ``bounds`` and clear of the legend, as the module says.

    Parameters
    ----------
    pos : dict
        Key -> (x, y): where each symbol would be [pt].
    fp : dict
        Key -> its box relative to its position.
    bounds, legend : Box
        The drawable part of the figure, and the legend's box.
    links : list
        (key, key): the reaches, from a symbol to the next downstream.

    Returns
    -------
    dict
        Key -> (x, y), in the order of ``pos``.
    """
    ids = list(pos)
    p = {k: list(v) for k, v in pos.items()}
    for i in ids:
        _keep_in(p[i], fp[i], bounds, legend)
    for rnd in range(SPREAD_ROUNDS):
        moved = False
        for i, a in enumerate(ids):
            for j in range(i + 1, len(ids)):
                b = ids[j]
                if not _clash(p[a], fp[a], p[b], fp[b]):
                    continue
                ca, cb = shift(fp[a], p[a]), shift(fp[b], p[b])
                dx = (cb[0] + cb[2] - ca[0] - ca[2]) / 2
                dy = (cb[1] + cb[3] - ca[1] - ca[3]) / 2
                d = math.hypot(dx, dy)
                if d < 1e-9:  # one on the other: a fixed direction per pair
                    angle = 2.399963 * (i + 2 * j)
                    dx, dy, d = math.cos(angle), math.sin(angle), 1.0
                u = (dx / d, dy / d)
                t = _separation(p[a], fp[a], p[b], fp[b], u) / 2 + 0.05
                p[a][0] -= u[0] * t
                p[a][1] -= u[1] * t
                p[b][0] += u[0] * t
                p[b][1] += u[1] * t
                moved = True
        if rnd < RIVER_ROUNDS:
            moved = _off_reaches(ids, p, fp, links) or moved
        for i in ids:
            moved = _keep_in(p[i], fp[i], bounds, legend) or moved
        if not moved:
            break
    out = {k: (v[0], v[1]) for k, v in p.items()}
    return out if _apart(out, fp, bounds, legend) else _grid(out, fp, bounds, legend)


def _apart(pos: dict, fp: dict, bounds: Box, legend: Box) -> bool:
    ids = list(pos)
    boxes = [shift(fp[i], pos[i]) for i in ids]
    if any(not (bounds[0] - 1e-6 <= b[0] and b[2] <= bounds[2] + 1e-6 and bounds[1] - 1e-6 <= b[1]
                and b[3] <= bounds[3] + 1e-6) or _overlaps(b, legend) for b in boxes):
        return False
    return not any(_clash(pos[a], fp[a], pos[b], fp[b]) for i, a in enumerate(ids) for b in ids[i + 1:])


def _grid(pos: dict, fp: dict, bounds: Box, legend: Box) -> dict:
    """Every symbol in the nearest free cell of a grid of cells as large as the largest symbol."""
    cell = max(max(f[2] - f[0], f[3] - f[1]) for f in fp.values()) + CLEARANCE
    cols = int((bounds[2] - bounds[0]) // cell)
    rows = int((bounds[3] - bounds[1]) // cell)
    cells = []
    for r in range(rows):
        for c in range(cols):
            box = (bounds[0] + c * cell, bounds[1] + r * cell, bounds[0] + (c + 1) * cell, bounds[1] + (r + 1) * cell)
            if not _overlaps(box, legend):
                cells.append(box)
    out, free = {}, list(range(len(cells)))
    for k, (x, y) in pos.items():
        f = fp[k]
        fx, fy = (f[0] + f[2]) / 2, (f[1] + f[3]) / 2

        def dist(i, x=x + fx, y=y + fy):
            b = cells[i]
            return ((b[0] + b[2]) / 2 - x) ** 2 + ((b[1] + b[3]) / 2 - y) ** 2

        if not free:  # more symbols than cells: beyond the networks this map is made for
            out[k] = (x, y)
            continue
        i = min(free, key=dist)
        free.remove(i)
        b = cells[i]
        out[k] = ((b[0] + b[2]) / 2 - fx, (b[1] + b[3]) / 2 - fy)
    return out
