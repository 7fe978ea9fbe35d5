"""Security headers on every response: CSP, nosniff, referrer policy, no framing.

The pages load scripts, styles and images from this site only and hold no inline script,
no `on…=` handler and no `style=` attribute (per-element geometry is in SVG attributes),
so the policy needs neither 'unsafe-inline' nor hashes: injected markup cannot run script.
A view may set its own value of any of these headers; it is then left as it is.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # for browsers older than frame-ancestors
}


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
