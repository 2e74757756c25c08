"""Media types: Accept negotiation (contract §3.1–3.2) and request Content-Type (§3.3)."""

from __future__ import annotations

from dataclasses import dataclass

VENDOR = "application/vnd.assignr.v2.hal+json"
HAL = "application/hal+json"
JSON = "application/json"
PROBLEM = "application/problem+json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SUPPORTED = (VENDOR, HAL, JSON)
JSON_TYPES = frozenset(SUPPORTED)

VENDOR_CT = f"{VENDOR}; charset=utf-8"
JSON_CT = f"{JSON}; charset=utf-8"
PROBLEM_CT = f"{PROBLEM}; charset=utf-8"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match ``media_type``, else 0 (*/*), 1 (a/*) or 2 (a/b)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == main and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == sub:
            return 2
        return -1


def parse_accept(header: str) -> list[MediaRange]:
    ranges: list[MediaRange] = []
    for item in header.split(","):
        item = item.strip()
        if not item:
            continue
        parts = [p.strip() for p in item.split(";")]
        main, sep, sub = parts[0].lower().partition("/")
        if not sep or not main or not sub:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                q = min(max(q, 0.0), 1.0)
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """q of ``media_type`` under the most specific matching range; 0 when none matches."""
    best, best_q = -1, 0.0
    for media_range in ranges:
        spec = media_range.specificity(media_type)
        if spec > best:
            best, best_q = spec, media_range.q
    return best_q if best >= 0 else 0.0


@dataclass(frozen=True)
class Negotiation:
    acceptable: bool
    content_type: str
    error_content_type: str


def negotiate(accept: str | None) -> Negotiation:
    """Decide the response media types for an ``Accept`` header (absent/empty: vendor)."""
    if accept is None or not accept.strip():
        return Negotiation(True, VENDOR_CT, VENDOR_CT)
    ranges = parse_accept(accept)
    if not ranges:
        return Negotiation(False, JSON_CT, JSON_CT)
    admitted = [t for t in SUPPORTED if quality(ranges, t) > 0]
    if not admitted:
        return Negotiation(False, JSON_CT, JSON_CT)
    content_type = JSON_CT if admitted == [JSON] else VENDOR_CT
    explicit_problem = any(
        r.type == "application" and r.subtype == "problem+json" and r.q > 0 for r in ranges
    )
    return Negotiation(True, content_type, PROBLEM_CT if explicit_problem else content_type)


@dataclass(frozen=True)
class ContentType:
    media_type: str
    charset: str | None
    boundary: str | None


def parse_content_type(header: str | None) -> ContentType | None:
    if header is None or not header.strip():
        return None
    parts = [p.strip() for p in header.split(";")]
    charset = boundary = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        name = name.strip().lower()
        value = value.strip().strip('"')
        if name == "charset":
            charset = value.lower()
        elif name == "boundary":
            boundary = value
    return ContentType(parts[0].lower(), charset, boundary)
