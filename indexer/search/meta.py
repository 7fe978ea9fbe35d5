"""A letter's metadata as every engine stores it and gives it back: what result lists, the
letter page and the API show without reading the archive."""

from __future__ import annotations

from typing import Any

from ..records import Letter


def letter_meta(letter: Letter) -> dict[str, Any]:
    """The letter's metadata as JSON-ready data, each value's provenance included."""
    return {
        "id": letter.id,
        "title": letter.display_title(),
        "title_given": letter.title,
        "date": str(letter.date) if letter.date else None,
        "date_precision": letter.date.precision if letter.date else None,
        "date_uncertain": letter.date.uncertain if letter.date else False,
        "date_as_written": letter.date_as_written,
        "sender": letter.sender.to_dict(),
        "recipients": [r.to_dict() for r in letter.recipients if not r.is_empty()],
        "languages": letter.languages,
        "collection": letter.collection,
        "shelfmark": letter.shelfmark,
        "rights": letter.rights,
        "notes": letter.notes,
        "related": [r.to_dict() for r in letter.related],
        "text_source": letter.text_source,
        "edition": _edition(letter),
        "pages": [
            {
                "n": p.n,
                "label": p.label,  # the page's own number (TEI pb/@n), when given
                "notes": p.notes,  # editorial notes, shown apart from the text
                "image": p.image,
                "frame": p.frame,
                "width": p.width,
                "height": p.height,
                "origin": p.origin,
                "has_words": bool(p.words),
                "failed": [{"step": step, "reason": why} for step, why in p.failures],
            }
            for p in letter.pages
        ],
        "provenance": {k: v.to_dict() for k, v in letter.provenance.items()},
        "suggestions": letter.suggestions,
        "status": letter.status,
        "withdrawn": letter.withdrawn,
        "changed": letter.changed,
        "fingerprint": letter.fingerprint,
    }


def _edition(letter: Letter) -> dict[str, str] | None:
    """Where an edition has the letter (a catalogue record's link), or None."""
    found = {
        "url": letter.edition_url,
        "title": letter.edition_title,
        "number": letter.edition_number,
    }
    return {k: v for k, v in found.items() if v} or None
