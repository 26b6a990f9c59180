"""HTML rendering: Jinja2 templates, autoescaped, StrictUndefined, words from the catalogues.

Templates live in ``templates/``; a user directory given with ``template_dir`` overrides any
of them (ChoiceLoader). CSS is inlined, figures are inline SVG: the file stands alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from ..resources import resource_path
from ..text import N_, NP_, Quantity
from ..vocabulary import CATALOGUE_STATUS, CATEGORY_NAMES, LEVEL_NAMES, MSG_FULL_RECORD
from .figures import FAN_STYLES, HYDROGRAPH_STYLES, fan_svg, hydrograph_svg, line_legend
from .i18n import MINUS, Localizer
from .overview import basin_map_svg, category_strip_svg, fill_bars_svg
from .palette import LEVEL_BARS, css_custom_properties, resolve_properties

LEGEND = {
    "current": N_("this year"), "last_year": N_("last year"), "norm": N_("norm"),
    "band": N_("P10–P90 range"), "watch": NP_("level", "watch"), "warning": NP_("level", "warning"),
    "alert": NP_("level", "alert"),
}
FAN_LEGEND = {
    "observed": N_("observed"), "median": N_("outlook: median"), "band": N_("outlook: P10–P90 of the traces"),
    "norm": N_("norm"), "watch": NP_("level", "watch"), "warning": NP_("level", "warning"),
    "alert": NP_("level", "alert"),
}
NO_INDICATOR = N_("no indicator")
MAP_LEGEND = {
    "reservoir": N_("reservoir: filled part = % of useful volume"), "fill_unknown": N_("reservoir: fill not known"),
    "river": N_("river, to the next station downstream"),
    "title": N_("Highest level in this bulletin"),
}
BARS_LEGEND = {
    "norm": N_("norm of the period"), "last_year": N_("same period last year"),
    "watch": N_("threshold: watch"), "warning": N_("threshold: warning"), "alert": N_("threshold: alert"),
    "no_data": NP_("level", "no data"),
}
NO_VOLUME_INDICATOR = N_("no volume indicator")


@dataclass(frozen=True)
class Picture:
    """A figure of the basin overview: its id, inline SVG and description in words."""

    id: str
    svg: str
    alt: str


@dataclass(frozen=True)
class TemplateContext:
    """Everything a page template receives.

    Attributes
    ----------
    bulletin : bulletin.document.Bulletin
        The language-neutral document.
    lang : str
        Language code of this rendering (``lang`` attribute of the page).
    figures : tuple
        (Figure, inline SVG, alt text) per key station.
    css : str
        The palette as CSS custom properties, then the screen and print stylesheets, inlined.
    basin_map, fill_bars, category_strip : Picture or None
        The schematic map, the reservoir fill bars and the HydroSOS strip.
    fans : tuple
        (FanFigure, inline SVG, alt text) per fan chart of the outlook.
    hydrograph_legend : str
        The one legend of the hydrographs (HTML with small inline SVG samples of the lines).
    fan_legend : str
        The one legend of the fan charts, alike.
    """

    bulletin: object
    lang: str
    figures: tuple
    css: str
    basin_map: Picture | None = None
    fill_bars: Picture | None = None
    category_strip: Picture | None = None
    fans: tuple = ()
    hydrograph_legend: str = ""
    fan_legend: str = ""

    def as_dict(self) -> dict:
        """The fields as the template's variables."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def environment(loc: Localizer, template_dir: str | Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment of one language: autoescaped, StrictUndefined, the filters of ``loc``.

    Templates in ``template_dir`` override the packaged ones of the same name.
    """
    loaders = [jinja2.FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(jinja2.FileSystemLoader(str(resource_path("templates"))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.install_gettext_translations(loc.tr, newstyle=True)
    env.filters.update({
        "t": loc.text, "v": loc.value, "q": loc.quantity, "num": loc.number, "unit": loc.unit,
        "period": loc.period, "date": loc.date, "datetime": loc.datetime, "msg": loc.gettext,
        "qb": lambda q: breakable_quantity(loc, q),
        "pct": lambda share, decimals=0: loc.quantity(Quantity(None if share is None else share * 100, "%", decimals)),
        "bar_style": bar_style,
        "reliability_rows": reliability_rows,
        "span": lambda pair: number_span(loc, *pair),
        "status": lambda status: loc.gettext(CATALOGUE_STATUS[status]) if status in CATALOGUE_STATUS else status,
        "reference": lambda label: reference_text(loc, label),
        "isodate": lambda text: iso_date_text(loc, text),
    })
    return env


def reference_text(loc: Localizer, label: str) -> str:
    """A reference period as the results JSON names it ("1991-2020", "full") written for readers.

    >>> reference_text(Localizer("en"), "1991-2020"), reference_text(Localizer("ru"), "full")
    ('1991–2020', 'весь ряд')
    """
    if label == "full":
        return loc.gettext(MSG_FULL_RECORD)
    first, dash, last = label.partition("-")
    return f"{first}\u2013{last}" if dash and first.isdigit() and last.isdigit() else label


def iso_date_text(loc: Localizer, text: str) -> str:
    """A date the catalogue gives as YYYY-MM-DD in the language's long form; any other text as it is.

    >>> iso_date_text(Localizer("en"), "1998-03-17"), iso_date_text(Localizer("en"), "March 1998")
    ('March 17, 1998', 'March 1998')
    """
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    return loc.date(day) if len(text) == 10 else text


@lru_cache(maxsize=16)
def _page_environment(lang: str, tr, template_dir, templates: Path) -> tuple[Localizer, jinja2.Environment]:
    """The Localizer and Jinja2 environment of the pages in ``lang``, kept: templates compile once.

    Keyed by everything the environment holds: the language, its catalogue (``tr``, the object
    :func:`.i18n.translations` gives, new when the catalogues are read again), the user's
    template folder and the packaged one. Jinja2 reloads a template whose file changed, and may
    fold constant filters with this language at compile time: hence one environment per language.
    The environment is never handed out, so no caller changes its globals.
    """
    loc = Localizer(lang)
    env = environment(loc, template_dir)
    env.globals["level_name"] = lambda level: loc.gettext(LEVEL_NAMES[level])
    return loc, env


def bar_style(probabilities) -> str:
    """The inline style of a probability bar: a gradient with a segment per level, as wide as its share.

    ``probabilities`` are (level, Quantity %) pairs in level order; the colours are the palette's
    bar colours (``--level-<level>-bar``), written out.

    A bar of one level is a plain colour (no gradient to paint).

    >>> bar_style((("normal", Quantity(75.0, "%")), ("watch", Quantity(0.0, "%")), ("alert", Quantity(25.0, "%"))))
    'background: linear-gradient(to right, #c4dccb 0.0%, #c4dccb 75.0%, #8e1b7e 75.0%, #8e1b7e 100.0%)'
    >>> bar_style((("normal", Quantity(0.0, "%")), ("alert", Quantity(100.0, "%"))))
    'background: #8e1b7e'
    """
    stops, at = [], 0.0
    for level, p in probabilities:
        if p.value:
            colour = LEVEL_BARS[level]
            stops += [f"{colour} {at:.1f}%", f"{colour} {at + p.value:.1f}%"]
            at += p.value
    if len(stops) == 2:
        return f"background: {stops[0].split()[0]}"
    return f"background: linear-gradient(to right, {', '.join(stops)})" if stops else ""


def reliability_rows(leads) -> list:
    """The reliability tables of several leads side by side: [(bin, ((lead label, bin of that lead), ...)), ...].

    ``leads`` are :class:`~bulletin.outlook.verify.LeadScores` with the same probability classes.
    """
    if not leads:
        return []
    return [(b, tuple((s.label, s.reliability[k]) for s in leads)) for k, b in enumerate(leads[0].reliability)]


def number_span(loc: Localizer, low, high) -> str:
    """Two quantities as a range of numbers, "4.39–4.45"; spaced around the dash when one is negative, "−75 – −3"."""
    lo, hi = loc.number(low.value, low.decimals), loc.number(high.value, high.decimals)
    return f"{lo} – {hi}" if lo.startswith(MINUS) or hi.startswith(MINUS) else f"{lo}–{hi}"


def breakable_quantity(loc: Localizer, q) -> str:
    """A quantity that a narrow table cell may break between its number and its unit, and between a unit's words.

    A line breaks there only if the whole does not fit: "14.99 km³" goes to "14.99" and "km³", never to
    "14.99 km" and "³" (where the cell's ``overflow-wrap`` would otherwise cut a quantity with no space
    it may break at); "9,836 million m³" may go to three lines. Percentages stay whole.
    """
    text = loc.quantity(q)
    if q.value is None or not q.unit or q.unit == "%":
        return text
    number = loc.quantity(Quantity(q.value, "", q.decimals, q.signed))
    if not text.startswith(number + "\u00a0"):
        return text
    return f"{number} {text[len(number) + 1:].replace(chr(0xA0), ' ')}"


def page_css() -> str:
    """The stylesheet of a page: the palette's custom properties, then the screen and print sheets.

    The sheets' ``var(--…)`` are replaced by the palette's colours (:func:`.palette.resolve_properties`).
    """
    sheets = (resource_path("templates", name).read_text(encoding="utf-8") for name in ("bulletin.css", "print.css"))
    return "\n".join([css_custom_properties(), *(resolve_properties(sheet) for sheet in sheets)])


def render_html(bulletin, lang: str, template_dir=None) -> str:
    """The bulletin as one self-contained HTML page in ``lang``.

    Parameters
    ----------
    bulletin : bulletin.document.Bulletin
        The language-neutral document.
    lang : str
        Language code of the page.
    template_dir : str or Path, optional
        A folder of templates that override the packaged ones of the same name.

    Returns
    -------
    str
        The page.
    """
    loc, env = _page_environment(lang, Localizer(lang).tr, template_dir, resource_path("templates"))
    figures = []
    for fig in bulletin.figures:
        svg = hydrograph_svg(fig, loc)
        alt = _alt(fig.alt, loc) if fig.alt else loc.text(fig.title)
        figures.append((fig, svg, alt))
    fans, legend = [], ""
    if bulletin.outlook_section is not None and bulletin.outlook_section.fans:
        legend = line_legend({k: loc.gettext(v) for k, v in FAN_LEGEND.items()}, FAN_STYLES)
        fans = [(fig, fan_svg(fig, loc), _alt(fig.alt, loc)) for fig in bulletin.outlook_section.fans]
    css = page_css()
    ctx = TemplateContext(bulletin=bulletin, lang=lang, figures=tuple(figures), css=css, fans=tuple(fans),
                          fan_legend=legend,
                          hydrograph_legend=line_legend({k: loc.gettext(v) for k, v in LEGEND.items()},
                                                        HYDROGRAPH_STYLES) if figures else "",
                          **overview_pictures(bulletin, loc))
    return env.get_template("bulletin.html").render(**ctx.as_dict())


def overview_pictures(bulletin, loc: Localizer) -> dict:
    """The basin map, fill bars and category strip of ``bulletin`` drawn in ``loc``'s language."""
    words = {k: loc.gettext(v) for k, v in LEVEL_NAMES.items()}
    words["none"] = loc.gettext(NO_INDICATOR)
    out = {}
    m, fb, cs = bulletin.basin_map, bulletin.fill_bars, bulletin.category_strip
    if m is not None and m.stations:
        labels = dict(words, **{k: loc.gettext(v) for k, v in MAP_LEGEND.items()})
        out["basin_map"] = Picture("fig-basin-map", basin_map_svg(m, loc, labels), _alt(m.alt, loc))
    if fb is not None and fb.bars:
        labels = {k: loc.gettext(v) for k, v in BARS_LEGEND.items()}
        labels["level"] = dict(words, none=loc.gettext(NO_VOLUME_INDICATOR))
        out["fill_bars"] = Picture("fig-reservoir-fill", fill_bars_svg(fb, loc, labels), _alt(fb.alt, loc))
    if cs is not None and cs.rows:
        labels = {k: loc.gettext(v) for k, v in CATEGORY_NAMES.items()}
        out["category_strip"] = Picture("fig-category-strip", category_strip_svg(cs, loc, labels),
                                        _alt(cs.alt, loc))
    return out


def _alt(sentences, loc: Localizer) -> str:
    return " ".join(loc.text(t) for t in sentences)
