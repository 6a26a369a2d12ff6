"""SPARQL results as a text table, for people at a terminal (``kg query``).

IRIs are written with the project's prefixes where one fits (``kg:Office``), or relative to
the project's IRI base (``<id/organisation/icrc>``), literals as
their text with the language after it (``МККК @ru``); columns share the terminal's width,
and a cell too wide for its column is cut with "…". The last line counts the rows.
"""

from __future__ import annotations

import json
import unicodedata

XSD = "http://www.w3.org/2001/XMLSchema#"
MIN_COLUMN = 8


def cell(term: dict | None, prefixes: dict[str, str], base: str | None = None) -> str:
    """One term of a SPARQL JSON result, as a person reads it: an IRI under ``base``
    relative to it (``<id/organisation/icrc>``), one in a known namespace as a prefixed name."""
    if term is None:
        return ""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        for prefix, ns in sorted(prefixes.items(), key=lambda item: -len(item[1])):
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
        if base and value.startswith(base) and len(value) > len(base):
            return f"<{value[len(base):]}>"
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        v = value
        return f"<< {cell(v['subject'], prefixes, base)} {cell(v['predicate'], prefixes, base)} " \
               f"{cell(v['object'], prefixes, base)} >>"
    text = " ".join(value.split()) if "\n" in value or "\t" in value else value
    if "xml:lang" in term:
        return f"{text} @{term['xml:lang']}"
    return text


def _width(text: str) -> int:
    """Columns a string takes on a terminal (wide East Asian letters take two, marks none)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…" + " " * (width - used - 1)


def render(body: bytes, prefixes: dict[str, str], width: int = 100, base: str | None = None) -> str:
    """A SPARQL JSON results document (SELECT or ASK) as a table ``width`` columns wide."""
    doc = json.loads(body)
    if "boolean" in doc:
        return "true\n" if doc["boolean"] else "false\n"
    names = doc["head"].get("vars", [])
    rows = [[cell(b.get(v), prefixes, base) for v in names] for b in doc["results"]["bindings"]]
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'}{', cut at the limit' if doc.get('truncated') else ''})\n"
    if not names:
        return count
    natural = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    widths = _share(natural, max(width, MIN_COLUMN * len(names) + 3 * len(names)) - 3 * (len(names) - 1))
    lines = [" │ ".join(_fit(n, w) for n, w in zip(names, widths)).rstrip(),
             "─┼─".join("─" * w for w in widths)]
    lines += [" │ ".join(_fit(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines) + "\n" + count


def _share(natural: list[int], total: int) -> list[int]:
    """Column widths that fit ``total``: narrow columns keep their width, the wide ones share
    what is left equally."""
    widths = list(natural)
    while sum(widths) > total:
        wide = [i for i, w in enumerate(widths) if w > MIN_COLUMN]
        if not wide:
            break
        fair = max(MIN_COLUMN, (total - sum(w for i, w in enumerate(widths) if i not in wide)) // len(wide))
        changed = False
        for i in wide:
            if widths[i] > fair:
                widths[i] = fair
                changed = True
        if not changed:
            break
    return widths
