"""HTTP content negotiation: Accept headers with q-values and wildcards."""

from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """[(media range, q, specificity)] from an Accept header; empty header -> []."""
    ranges = []
    for part in (header or "").split(","):
        part = part.strip()
        if not part:
            continue
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        typ, sub = media.split("/", 1)
        specificity = 0 if typ == "*" else (1 if sub == "*" else 2)
        ranges.append((media, max(0.0, min(q, 1.0)), specificity))
    return ranges


def _quality(offer: str, ranges) -> tuple[float, int]:
    typ, sub = offer.lower().split("/", 1)
    best = (-1.0, -1)
    for media, q, spec in ranges:
        rt, rs = media.split("/", 1)
        if (rt == "*" or rt == typ) and (rs == "*" or rs == sub):
            # the most specific matching range decides the quality
            if spec > best[1]:
                best = (q, spec)
    return best


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most; the first offer when Accept is absent.

    Returns None when nothing offered is acceptable (the caller answers 406).
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    scored = []
    for i, offer in enumerate(offers):
        q, spec = _quality(offer, ranges)
        if q > 0:
            scored.append((-q, -spec, i, offer))
    if not scored:
        return None
    scored.sort()
    return scored[0][3]
