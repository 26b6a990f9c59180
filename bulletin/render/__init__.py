"""Rendering the document: HTML, PDF/A-3b, the results JSON and CSV, figures, words and colours.

``bulletin.render.outputs.render_all`` renders every output of a bulletin in memory. The
renderer imports no stage of the pipeline: it receives the document (``bulletin.document``)
and words it with the message catalogues of ``bulletin/locale``.
"""
