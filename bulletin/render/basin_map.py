"""The schematic basin map as inline SVG: rivers, stations by level, reservoirs by fill.

Drawn from the values of :class:`bulletin.document.overview.BasinMap` alone, with the words
given by the caller (``labels``, already translated). Where everything goes is computed by
:mod:`.map_layout` (and :mod:`.map_labels`) from the network's topology and coordinates and
from the sizes of the texts and markers measured here; this module measures and draws.
Deterministic like the hydrographs (:mod:`.svg`). Stations are marked as :mod:`.symbols` says:
a level by colour and by shape.

Labels: every station's short name (a reservoir's with its fill), the outlet's name and the
country names of the network file are written where they touch no symbol, legend or other
label. When a network is too dense for all of them, the ones placed first win: the outlet's
name, then the stations at alert, warning and watch, reservoirs, the last station, then the
stations with the most stations upstream (the main stem before the headwaters), then network
order; the country names come last. A label that finds no free place is left out; the
picture's description in words (``alt``) still names every flagged station and every fill.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.legend_handler import HandlerBase  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.markers import MarkerStyle  # noqa: E402
from matplotlib.patches import Ellipse, Rectangle  # noqa: E402

from .collect import collected  # noqa: E402
from .i18n import Localizer  # noqa: E402
from .map_layout import OUTLET, WIDTH, CountryPlace, MapLayout, MapNode, layout_map  # noqa: E402
from .svg import RC_PARAMS, MeasuringRendererSVG, figure_svg, new_figure, rc_settings  # noqa: E402
from .symbols import (  # noqa: E402
    INK,
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
OUTLET_INK = "#3d6f99"  # the outlet's name, in the blue of water
COUNTRY_INK = "#a3a3a3"
HATCH_INK = "#9e9e9e"
LEADER_INK = "#8c8c8c"
LABEL_SIZE = 6.6  # station labels [pt]
COUNTRY_SIZE = 9.5  # country names [pt]
RESERVOIR_MARKER_SCALE = 0.85  # the level marker on a tank's corner, against a gauge's
FLAGGED = ("watch", "warning", "alert")
WIDE_LEGEND_COLUMNS = (4, 3, 2)  # a legend in a row of its own: the most columns that fit
_RANK = {"alert": 0, "warning": 1, "watch": 2}
_MEASURED: dict = {}
"""Sizes of the texts and legends the map measured, by all they depend on (see :func:`draw_basin_map`)."""
_MEASURED_MAX = 10_000


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
            inside = Rectangle((x0, y0), w, h, facecolor="none", edgecolor=HATCH_INK, hatch="/////", linewidth=0,
                               transform=trans)
        outline = Rectangle((x0, y0), w, h, facecolor="none", edgecolor=INK, linewidth=0.8, transform=trans)
        return [inside, outline]


@lru_cache(maxsize=64)
def marker_half_size(level: str | None, scale: float = 1.0) -> float:
    """Half the side of the square box that holds the marker of ``level`` [pt], its edge included.

    Parameters
    ----------
    level : str or None
        A level, or None for a station without a finding.
    scale : float
        Factor on the marker size, as for :func:`.symbols.marker_style`.

    Returns
    -------
    float
    """
    style = marker_style(level, scale)
    ms = MarkerStyle(style["marker"])
    ext = ms.get_path().transformed(ms.get_transform()).get_extents()
    half = max(-ext.x0, ext.x1, -ext.y0, ext.y1) * style["markersize"]
    return float(half + style["markeredgewidth"] / 2)


def _station_text(s, loc: Localizer) -> str:
    text = loc.value(s.label)
    if s.fill is not None and s.fill.value is not None:
        text = f"{text} {loc.quantity(s.fill)}"
    return text


def _legend_handles(stations) -> tuple[bool, bool]:
    """Whether the legend shows a reservoir, and a reservoir whose fill is not known."""
    return (any(s.kind == "reservoir" for s in stations),
            any(s.kind == "reservoir" and (s.fill is None or s.fill.value is None) for s in stations))


def _legend(ax, stations, labels: dict, ncol: int = 1):
    handles = [Line2D([], [], **marker_style(None if lev == NO_LEVEL else lev)) for lev in LEVEL_ORDER]
    names = [labels[lev] for lev in LEVEL_ORDER]
    reservoir, unknown = _legend_handles(stations)
    if reservoir:
        handles.append(_TankHandle())
        names.append(labels["reservoir"])
    if unknown:
        handles.append(_TankHandle(known=False))
        names.append(labels["fill_unknown"])
    handles.append(Line2D([], [], color=RIVER_COLOUR, linewidth=1.8))
    names.append(labels["river"])
    legend = ax.legend(handles, names, title=labels["title"], loc="lower left", bbox_to_anchor=(0, 0), ncol=ncol,
                       borderaxespad=0, fontsize=6.5, title_fontsize=7, frameon=True, framealpha=0.92,
                       edgecolor=RULE, borderpad=0.6, labelspacing=0.45, handler_map={_TankHandle: _TankHandler()})
    legend.get_title().set_fontweight("bold")
    legend.set_zorder(6)
    return legend


def _draw_stations(ax, m, layout: MapLayout, attributes: dict) -> None:
    """Gauges by a level marker; reservoirs by a tank filled to their fill, the marker on its upper right."""
    for s in m.stations:
        x, y = layout.positions[s.id]
        attributes[f"station-{s.id}"] = {"data-level": level_key(s.level), "data-kind": s.kind}
        if s.kind != "reservoir":
            ax.plot([x], [y], zorder=5, gid=f"station-{s.id}", **marker_style(s.level))
            continue
        x0, y0, x1, y1 = layout.tanks[s.id]
        w, h = x1 - x0, y1 - y0
        fill = None if s.fill is None or s.fill.value is None else min(max(s.fill.value, 0.0), 100.0)
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor="#ffffff", edgecolor="none", zorder=3))
        if fill is not None:
            ax.add_patch(Rectangle((x0, y0), w, h * fill / 100, facecolor=WATER_COLOUR, edgecolor="none", zorder=3))
        else:
            ax.add_patch(Rectangle((x0, y0), w, h, facecolor="none", edgecolor=HATCH_INK, hatch="/////", linewidth=0,
                                   zorder=3))
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor="none", edgecolor=INK, linewidth=0.9, zorder=4,
                               gid=f"reservoir-{s.id}"))
        mx0, my0, mx1, my1 = layout.markers[s.id]
        ax.plot([(mx0 + mx1) / 2], [(my0 + my1) / 2], zorder=5, gid=f"station-{s.id}",
                **marker_style(s.level, RESERVOIR_MARKER_SCALE))


def _write(ax, label, text: str, **kw) -> None:
    ax.text(*label.anchor, text, ha=label.ha, va=label.va, **kw)
    if label.leader is not None:
        (xa, ya), (xb, yb) = label.leader
        ax.plot([xa, xb], [ya, yb], color=LEADER_INK, linewidth=0.4, zorder=5)


def draw_basin_map(m, loc: Localizer, labels: dict):
    """The map as a matplotlib figure, with its layout.

    Parameters
    ----------
    m : bulletin.document.overview.BasinMap
    loc : Localizer
        Language of the numbers, units and names.
    labels : dict
        Translated words, as :func:`basin_map_svg` says.

    Returns
    -------
    tuple
        (figure, :class:`.map_layout.MapLayout`, ``gid -> {data attribute: value}`` of the
        station groups); the figure is drawn under :data:`.svg.RC_PARAMS`, 1 data unit = 1 pt.
    """
    stations = m.stations
    with plt.rc_context(RC_PARAMS):
        f = new_figure(figsize=(WIDTH_IN, 4.0), dpi=72)  # the dpi of SVG: texts measured as they are saved
        ax = f.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        # texts measured as the SVG writer lays them out (unhinted metrics), not as Agg would
        renderer = MeasuringRendererSVG(WIDTH, 288, io.StringIO())

        # a size depends only on the text or legend, the rc parameters and the figure as it is now
        # (its size, dpi and limits, the same at every call): remembered from one map to the next
        settings = rc_settings()

        def remember(key, compute):
            key = (key, settings)
            found = _MEASURED.get(key)
            if found is None:
                if len(_MEASURED) >= _MEASURED_MAX:
                    _MEASURED.clear()
                found = _MEASURED[key] = compute()
            return found

        def probe(text: str, kw: dict) -> tuple[float, float]:
            t = ax.text(0, 0, text, **kw)
            ext = t.get_window_extent(renderer)
            t.remove()
            return float(ext.width), float(ext.height)

        def measure(text: str, **kw) -> tuple[float, float]:
            return remember(("text", text, tuple(sorted(kw.items()))), lambda: probe(text, kw))

        def legend_sizes() -> dict:
            sizes = {}  # columns of the legend -> its size
            for ncol in (*WIDE_LEGEND_COLUMNS, 1):
                ext = _legend(ax, stations, labels, ncol).get_window_extent(renderer)
                sizes[ncol] = (float(ext.width), float(ext.height))
            return sizes

        sizes = remember(("legend", tuple(sorted(labels.items())), *_legend_handles(stations)), legend_sizes)
        wide = next((n for n in WIDE_LEGEND_COLUMNS if sizes[n][0] <= WIDTH - 8), 1)
        texts = {s.id: _station_text(s, loc) for s in stations}
        weight = {s.id: "bold" if s.level in FLAGGED else "normal" for s in stations}
        nodes = [MapNode(s.id, s.kind, s.lon, s.lat, s.downstream,
                         marker_half_size(s.level, RESERVOIR_MARKER_SCALE if s.kind == "reservoir" else 1.0),
                         measure(texts[s.id], fontsize=LABEL_SIZE, fontweight=weight[s.id]) if texts[s.id] else None,
                         _RANK.get(s.level, 3))
                 for s in stations]
        outlet = loc.value(m.outlet) if m.outlet is not None else None
        countries = [CountryPlace((i, j), measure(loc.value(c.name).upper(), fontsize=COUNTRY_SIZE,
                                                  fontweight="bold"), lon, lat)
                     for i, c in enumerate(m.countries) for j, (lon, lat) in enumerate(c.places)]
        layout = layout_map(nodes, sizes[1], measure(outlet, fontsize=LABEL_SIZE, fontstyle="italic") if outlet else None,
                            tuple(countries), sizes[wide])
        legend = _legend(ax, stations, labels, wide if layout.legend_row else 1)
        f.set_size_inches(WIDTH_IN, layout.height / 72.0)
        ax.set_xlim(0, layout.width)
        ax.set_ylim(0, layout.height)
        legend.set_bbox_to_anchor(layout.legend[:2], transform=ax.transData)
        for (i, _), label in layout.countries:
            _write(ax, label, loc.value(m.countries[i].name).upper(), fontsize=COUNTRY_SIZE, color=COUNTRY_INK,
                   fontweight="bold", zorder=0)
        for r in layout.reaches:
            ax.plot([r.start[0], r.end[0]], [r.start[1], r.end[1]], color=RIVER_COLOUR, linewidth=r.width,
                    solid_capstyle="round", zorder=1)
        if layout.outlet is not None:
            _, centre, (w, h) = layout.outlet
            ax.add_patch(Ellipse(centre, w, h, facecolor=SEA_COLOUR, edgecolor=RIVER_COLOUR, linewidth=0.8,
                                 zorder=2))
        attributes: dict = {}
        _draw_stations(ax, m, layout, attributes)
        if OUTLET in layout.labels:
            _write(ax, layout.labels[OUTLET], outlet, fontsize=LABEL_SIZE, fontstyle="italic", color=OUTLET_INK,
                   zorder=6)
        for s in stations:
            if s.id in layout.labels:
                _write(ax, layout.labels[s.id], texts[s.id], fontsize=LABEL_SIZE, fontweight=weight[s.id],
                       color=INK, zorder=6)
    return f, layout, attributes


@collected
def basin_map_layout(m, loc: Localizer, labels: dict) -> MapLayout:
    """Where :func:`basin_map_svg` draws everything (for checks of the picture's legibility).

    Parameters
    ----------
    m : bulletin.document.overview.BasinMap
    loc : Localizer
    labels : dict
        As for :func:`basin_map_svg`.

    Returns
    -------
    MapLayout
    """
    f, layout, _ = draw_basin_map(m, loc, labels)
    plt.close(f)
    return layout


@collected
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
    f, _, attributes = draw_basin_map(m, loc, labels)
    return figure_svg(f, fig_id, attributes)
