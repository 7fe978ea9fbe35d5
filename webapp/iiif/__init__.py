"""IIIF: the letters as Presentation 3 manifests and a collection, their page images through
the Image API 3, search within a letter through Content Search 1 and 2, and Content State
links to a page region. One blueprint; every response carries CORS headers (cors.py).

URLs (by the letter's permanent id; page n from 1):

    /iiif/collection                           the published letters, in collections of 100
    /iiif/collection/<page>                    one such collection of manifests
    /iiif/<id>/manifest                        a letter's manifest
    /iiif/<id>/lines/<n>                       page n's transcript, an annotation per line
    /iiif/<id>/text/<n>.txt                    page n's text
    /iiif/image/<id>/<n>/info.json             page n's image service (Image API 3, level 1)
    /iiif/image/<id>/<n>/<region>/<size>/<rotation>/<quality>.jpg
    /iiif/<id>/search/1, /iiif/<id>/search/2   content search (Missive's query language)
    /iiif/<id>/autocomplete/1, .../2           words of the letter starting with q
    /iiif/<id>/state/<n>?region=x,y,w,h        the Content State of a page region
    /iiif/state?iiif-content=...               a content state, resolved to the letter page
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("iiif", __name__, url_prefix="/iiif")

from . import collection, cors, image, presentation, search, state  # noqa: E402,F401  (their routes)
