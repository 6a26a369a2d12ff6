"""A document's text as HTML with the passages the graph draws from highlighted.

Passages may nest (a name inside a sentence) or cross (two sentences sharing words); HTML
elements can only nest, so a passage that crosses another is closed and reopened around
it. The first piece of each passage carries its id (``ev-{start}-{end}``); every piece
carries ``data-ev`` with the ids of the passage, so a script can light up all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass
class Span:
    start: int
    end: int
    ident: str  # element id, e.g. ev-13-104
    css: str = "ev"  # class: ev (a passage facts come from) or mention (a name)
    title: str = ""  # tooltip: what the graph makes of it
    note: str = ""  # a footnote link target (id of the entry listing its facts), or ""
    number: int = 0  # the footnote number shown after the passage


def render(text: str, spans: list[Span]) -> Markup:
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    # open longer spans first so that they contain the shorter ones starting at the same place
    spans.sort(key=lambda s: (s.start, -s.end, s.ident))
    starts: dict[int, list[Span]] = {}
    ends: dict[int, list[Span]] = {}
    for s in spans:
        starts.setdefault(s.start, []).append(s)
        ends.setdefault(s.end, []).append(s)
    cuts = sorted({0, len(text), *starts, *ends})
    out: list[str] = []
    stack: list[Span] = []
    opened: set[str] = set()

    def open_tag(s: Span) -> str:
        first = s.ident not in opened
        opened.add(s.ident)
        attrs = Markup(' class="{}" data-ev="{}"').format(s.css, s.ident)
        if first:
            attrs += Markup(' id="{}"').format(s.ident)
        else:
            attrs += Markup(' data-cont="1"')
        if s.title:
            attrs += Markup(' title="{}"').format(s.title)
        return Markup("<mark{}>").format(attrs)

    for i, pos in enumerate(cuts):
        # close what ends here (reopening what was opened inside it and goes on)
        closing = ends.get(pos, [])
        if closing:
            reopen: list[Span] = []
            while any(c in stack for c in closing):
                top = stack.pop()
                out.append("</mark>")
                if top in closing:
                    if top.note:
                        out.append(Markup('<a class="fn" href="#{}">{}</a>').format(top.note, top.number))
                else:
                    reopen.append(top)
            for s in reversed(reopen):
                out.append(open_tag(s))
                stack.append(s)
        for s in starts.get(pos, []):
            out.append(open_tag(s))
            stack.append(s)
        if i + 1 < len(cuts):
            out.append(str(escape(text[pos:cuts[i + 1]])))
    while stack:
        stack.pop()
        out.append("</mark>")
    return Markup("".join(out))
