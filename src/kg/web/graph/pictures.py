"""An entity's neighbourhood drawn on the server as inline SVG (no script, no request to
any other host): who handed what to whom, and its other links, named in the page's
language. Every label is escaped (``Markup.format``); the drawing scales to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from markupsafe import Markup

from ...namespaces import KG, ORG
from . import iris
from .present import Presenter
from .reader import N, shorten

GIVER = N(str(KG.giver))
RECEIVER = N(str(KG.receiver))
ACTIVITY = N(str(KG.handedOverActivity))
ITEM = N(str(KG.handedOverItem))
ACTIVITY_TYPE = N(str(KG.activityType))
REFER_TO = N(str(KG.referTo))
REFERRED_BY = N(str(KG.referredBy))
PARTNER = N(str(KG.partner))
COOPERATES = N(str(KG.cooperatesWith))
MEMBER_OF = N(str(ORG.memberOf))
MEMBER = N(str(ORG.member))
ORGANIZATION = N(str(ORG.organization))
UNIT_OF = N(str(ORG.unitOf))


# -- neighbourhood -------------------------------------------------------------------

@dataclass
class Edge:
    other: object
    relation: str  # what the arrow says: "tracing" (handed over), "partner"
    kind: str  # handover | other
    via: object = None  # the node carrying the relation (a handover), for its link
    lang: str | None = None  # the language of what it says


@dataclass
class Box:
    other: object
    edges: list[Edge] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "handover" if any(e.kind == "handover" for e in self.edges) else "other"

    def lines(self) -> list[Edge]:
        """One line per handover; the other links of the box together on one line."""
        out = [e for e in self.edges if e.kind == "handover"]
        others = [e for e in self.edges if e.kind != "handover"]
        if others:
            text = " · ".join(dict.fromkeys(e.relation for e in others))
            out.append(Edge(self.other, text, "other", others[0].via if len(others) == 1 else None, others[0].lang))
        return out


@dataclass
class Neighbourhood:
    left: list[Edge] = field(default_factory=list)  # X -> root
    right: list[Edge] = field(default_factory=list)  # root -> X, and undirected

    def __bool__(self) -> bool:
        return bool(self.left or self.right)

    @staticmethod
    def boxes(edges: list[Edge]) -> list[Box]:
        out: dict = {}
        for e in edges:
            out.setdefault(e.other, Box(e.other)).edges.append(e)
        return list(out.values())


def _what(p: Presenter, handover):
    """What a handover hands over (a label), in the page's language where the documents say it in it."""
    g = p.g
    for act in g.values(handover, ACTIVITY):
        for t in g.values(act, ACTIVITY_TYPE):
            return p.namer.name(t)
        return p.namer.name(act)
    items = g.values(handover, ITEM)
    if items:
        return p.namer.in_language(handover, ITEM, items)
    return p.namer.name(handover)


def neighbourhood(p: Presenter, root) -> Neighbourhood:
    g = p.g
    nb = Neighbourhood()
    seen: set = set()

    def add(side: list, other, relation, kind, via=None):
        key = (id(side), other, relation.text)
        if key in seen or other == root:
            return
        seen.add(key)
        side.append(Edge(other, relation.text, kind, via, relation.lang))

    rel = lambda prop: p.prop_label(prop)  # noqa: E731
    # the root's role in an event or relation node s -> (the other party's role, the side it is
    # drawn on, the property naming the edge (None: what a handover handed over), its kind)
    through = {
        GIVER: (RECEIVER, nb.right, None, "handover"),
        RECEIVER: (GIVER, nb.left, None, "handover"),
        REFERRED_BY: (REFER_TO, nb.right, REFER_TO, "other"),
        REFER_TO: (REFERRED_BY, nb.left, REFERRED_BY, "other"),
        PARTNER: (PARTNER, nb.right, PARTNER, "other"),
        MEMBER: (ORGANIZATION, nb.right, MEMBER_OF, "other"),
    }
    incoming = g.inc(root)
    for s, prop in incoming:
        if prop in through:
            other, side, named_by, kind = through[prop]
            for r in g.values(s, other):
                add(side, r, _what(p, s) if named_by is None else rel(named_by), kind, s)
        elif prop in (ORGANIZATION, MEMBER_OF):
            who = g.values(s, MEMBER) if prop == ORGANIZATION else [s]
            for r in who:
                add(nb.left, r, rel(MEMBER_OF), "other", s if prop == ORGANIZATION else None)
        elif prop == COOPERATES:
            add(nb.right, s, rel(COOPERATES), "other")
    for prop, o in g.out(root):
        if prop == COOPERATES:
            add(nb.right, o, rel(COOPERATES), "other")
        elif prop == MEMBER_OF:
            add(nb.right, o, rel(MEMBER_OF), "other")
        elif prop == GIVER:  # the root is a handover
            add(nb.left, o, rel(GIVER), "handover")
        elif prop == RECEIVER:
            add(nb.right, o, rel(RECEIVER), "handover")
    name = lambda n: p.namer.name(n).text  # noqa: E731
    nb.left.sort(key=lambda e: (e.kind != "handover", name(e.other)))
    nb.right.sort(key=lambda e: (e.kind != "handover", name(e.other)))
    return nb


def wrap(text: str, width: int, lines: int) -> list[str]:
    """Words of ``text`` in at most ``lines`` lines of about ``width`` characters."""
    out: list[str] = []
    cur = ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = shorten(out[-1] + " …", width)
    return [shorten(line, width) for line in out]


def neighbourhood_svg(p: Presenter, root, nb: Neighbourhood) -> Markup | None:
    if not nb:
        return None
    left, right = nb.boxes(nb.left), nb.boxes(nb.right)
    box_w, gap, width, line_h = 360, 10, 980, 17
    center_w = 250

    def box_h(b: Box) -> int:
        return 26 + line_h * len(b.lines())

    def column_h(boxes: list[Box]) -> int:
        return sum(box_h(b) for b in boxes) + gap * max(len(boxes) - 1, 0)

    height = max(column_h(left), column_h(right), 90) + 24
    cx = width / 2 if left else 20 + center_w / 2
    cy = height / 2
    root_label = p.namer.name(root)
    name = root_label.text
    title_lines = wrap(name, 26, 3)
    parts = [Markup('<svg class="neighbourhood" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
                    'width="{w}" height="{h}" role="img" aria-label="{t}">').format(w=width, h=height, t=name)]
    parts.append(Markup(
        '<defs><marker id="arrow-h" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead handover"/></marker>'
        '<marker id="arrow-o" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead other"/></marker></defs>'))
    root_h = 20 + 18 * len(title_lines)

    def column(boxes: list[Box], x0: float, side: str):
        y = cy - column_h(boxes) / 2
        for b in boxes:
            h = box_h(b)
            mid = y + h / 2
            if side == "right":
                x1, y1, x2, y2 = cx + center_w / 2, cy, x0, mid
            else:
                x1, y1, x2, y2 = x0 + box_w, mid, cx - center_w / 2, cy
            marker = "arrow-h" if b.kind == "handover" else "arrow-o"
            parts.append(Markup('<path class="edge {k}" d="M{x1:.1f},{y1:.1f} C{c:.1f},{y1:.1f} {c:.1f},{y2:.1f} '
                                '{x2:.1f},{y2:.1f}" marker-end="url(#{m})"/>')
                         .format(k=b.kind, x1=x1, y1=y1, x2=x2, y2=y2, c=(x1 + x2) / 2, m=marker))
            other_label = p.namer.name(b.other)
            other = other_label.text
            href = iris.href(b.other.value) if isinstance(b.other, ox.NamedNode) else "#"
            parts.append(Markup('<rect class="box {k}" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="6"/>')
                         .format(k=b.kind, x=x0, y=y, w=box_w, h=h))
            parts.append(Markup('<a href="{href}"><text class="name" x="{x:.1f}" y="{y:.1f}"{lang}>{t}<title>{full}'
                                '</title></text></a>').format(href=href, x=x0 + 8, y=y + 18, t=shorten(other, 40),
                                                              full=other, lang=_lang_attr(other_label.lang)))
            for i, e in enumerate(b.lines()):
                via = iris.href(e.via.value) if isinstance(e.via, ox.NamedNode) else href
                parts.append(Markup('<a href="{href}"><text class="rel {k}" x="{x:.1f}" y="{y:.1f}"{lang}>{arrow} {t}'
                                    '<title>{full}</title></text></a>')
                             .format(href=via, k=e.kind, x=x0 + 8, y=y + 36 + i * line_h, t=shorten(e.relation, 54),
                                     full=e.relation, arrow="→" if side == "right" else "←", lang=_lang_attr(e.lang)))
            y += h + gap

    column(left, 10, "left")
    column(right, width - box_w - 10, "right")
    parts.append(Markup('<rect class="box root" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="8"/>')
                 .format(x=cx - center_w / 2, y=cy - root_h / 2, w=center_w, h=root_h))
    parts.append(Markup('<text class="name root" x="{x:.1f}" y="{y:.1f}" text-anchor="middle"{lang}><title>{full}</title>')
                 .format(x=cx, y=cy - root_h / 2 + 8, full=name, lang=_lang_attr(root_label.lang)))
    for line in title_lines:
        parts.append(Markup('<tspan x="{x:.1f}" dy="18">{t}</tspan>').format(x=cx, t=line))
    parts.append(Markup("</text></svg>"))
    return Markup("").join(parts)


def _lang_attr(lang: str | None) -> Markup:
    return Markup(' lang="{}"').format(lang) if lang else Markup("")
