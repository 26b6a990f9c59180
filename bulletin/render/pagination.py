"""Page-based counters brought up to date between WeasyPrint's passes (:func:`settled_page_counters`).

The printed contents on page 1 give each section's page with ``target-counter(attr(href),
page)``. WeasyPrint (70) lays the document out in passes (``weasyprint.layout.layout_document``):
a pass lays out every page that must be made again, then the total of pages is set on every page,
and another pass follows while a page is marked as changed. With such a contents, page 1 was laid
out three times:

1. in the first pass, with every number 0 (the sections come later). The page's counters differ
   from the ones the contents last saw (none), so the contents are computed again, still with
   zeros, and the page is marked as changed;
2. in the second pass, with those contents: still zeros. The page's counters now hold the total of
   pages, which the contents last saw as 0, so they are computed again, now with the sections'
   pages, and the page is marked as changed once more;
3. in the third pass, with the right numbers. Nothing differs any more.

The second layout is made only to find that the total of pages changed. Within
:func:`settled_page_counters`, at the end of each pass the contents of every page that will be made
again are computed at once with the total of pages of that pass, as the next pass would compute
them, so the next pass lays the page out with them and finds nothing more to change: page 1 is laid
out twice, and the PDF's bytes are those of three layouts (tested).

Only what WeasyPrint's next pass itself does is done, earlier: the ``content`` items with page-based
counters (``TargetCollector.counter_lookup_items``), on pages marked as changed, whose last
counters are those of the pass before (``cached_page_counter_values``), computed again with
``parse_again``. The names are WeasyPrint's own, so a WeasyPrint without them fails the render at
once rather than silently laying it out otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import weasyprint.layout

from .replaced import replaced

_make_all_pages = weasyprint.layout.make_all_pages


def make_all_pages_settled(context, root_box, html, pages):
    """WeasyPrint's ``make_all_pages`` (one pass), then the page counters of the pages it will make again settled."""
    count = 0
    for page in _make_all_pages(context, root_box, html, pages):
        count += 1
        yield page
    settle_page_counters(context, count)


def settle_page_counters(context, total: int) -> None:
    """Compute again, with ``total`` pages, the page-counter contents of the pages the next pass makes again."""
    page_maker = context.page_maker
    for (_, css_token), item in context.target_collector.counter_lookup_items.items():
        if css_token != "content":  # the pass computes only contents again; string-set and bookmarks come at the end
            continue
        seen, index = item.cached_page_counter_values, item.page_maker_index
        if not item.missing_counters or not seen or seen.get("pages") in (None, [total]) \
                or index is None or index >= len(page_maker) or not page_maker[index][-1]["content_changed"]:
            continue
        seen["pages"] = [total]
        item.parse_again(seen)


@contextmanager
def settled_page_counters() -> Iterator[None]:
    """Within this context WeasyPrint's passes settle the page counters as they end (:func:`make_all_pages_settled`)."""
    with replaced((weasyprint.layout, "make_all_pages", make_all_pages_settled)):
        yield
