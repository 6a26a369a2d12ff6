"""Pictures drawn on the server as inline SVG (no script, no request to any other host):
a timeline of dated events and periods, and an entity's neighbourhood (who handed what
to whom). Every label is escaped (``Markup.format``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyoxigraph as ox
from markupsafe import Markup

from ...namespaces import KG, ORG, TIME
from . import iris
from .model import KG as Graph
from .model import N, date_value, shorten

INSTANT = N(str(TIME.Instant))
ACTIVE_DURING = N(str(KG.activeDuring))
BEGIN = N(str(TIME.hasBeginning))
END = N(str(TIME.hasEnd))
END_BOUND = N(str(KG.endBound))
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
RDF_TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


# -- dates ---------------------------------------------------------------------------

def date_position(value: str, at_end: bool = False) -> float | None:
    """A date at its precision as a fractional year; the end of its span when ``at_end``."""
    try:
        parts = [int(x) for x in value.split("-")[:3]]
    except ValueError:
        return None
    if not parts:
        return None
    y = parts[0]
    if len(parts) == 1:
        return y + (1.0 if at_end else 0.0)
    m = parts[1]
    if len(parts) == 2:
        return y + (m if at_end else m - 1) / 12
    d = parts[2]
    return y + (m - 1) / 12 + (d - (0 if at_end else 1)) / 365


@dataclass
class Row:
    node: object
    label: str
    what: str  # the kind of row: period, or the property's label ("signed on")
    dates: list[str]
    begin: float | None = None
    end: float | None = None
    begin_text: str = ""
    end_text: str = ""
    is_period: bool = False
    more: int = 0  # how many others share the period

    @property
    def sort_key(self):
        return (self.begin if self.begin is not None else (self.end or 0), self.label)


def timeline_rows(g: Graph, lang: str, about=None) -> list[Row]:
    """Periods (of offices, activities) and dated events; only those touching ``about`` if given."""
    store = g.store
    related = _related(g, about) if about is not None else None
    rows: list[Row] = []
    periods: dict = {}
    events: dict = {}
    for q in store.quads_for_pattern(None, RDF_TYPE, INSTANT, ox.DefaultGraph()):
        instant = q.subject
        value = date_value(g, instant)
        if not value:
            continue
        for s, p in g.inc(instant):
            if p in (BEGIN, END):
                periods.setdefault(s, {"b": [], "e": []})["b" if p == BEGIN else "e"].append(value)
            else:
                events.setdefault((s, p), []).append(value)
    for period, be in periods.items():
        owners = [s for s, p in g.inc(period) if p == ACTIVE_DURING]
        if related is not None and period not in related and not any(o in related for o in owners):
            continue
        if related is not None:
            owners = [o for o in owners if o in related] or owners
        # one row per period: named after an office that had it, else its first owner
        owners.sort(key=lambda o: (not g.values(o, UNIT_OF), g.label(o, lang).text.casefold()))
        begins = sorted(be["b"], key=len, reverse=True)
        ends = sorted(be["e"], key=len, reverse=True)
        label = g.label(owners[0], lang).text if owners else g.label(period, lang).text
        rows.append(Row(
            period, label, "period", begins + ends,
            begin=date_position(begins[0]) if begins else None,
            end=date_position(ends[0], at_end=True) if ends else None,
            begin_text=" / ".join(begins), end_text=" / ".join(ends), is_period=True,
            more=max(len(owners) - 1, 0),
        ))
    for (s, p), values in events.items():
        if related is not None and s not in related:
            continue
        values = sorted(set(values), key=len, reverse=True)
        at_end = p == END_BOUND
        pos = date_position(values[0], at_end=at_end)
        if pos is None:
            continue
        what = g.label(p, lang).text
        owners = [o for o, pp in g.inc(s) if pp == ACTIVE_DURING]  # an end bound of a period: whose
        label = g.label(sorted(owners, key=lambda o: o.value)[0] if owners else s, lang).text
        rows.append(Row(s, label, what, values, begin=pos, begin_text=" / ".join(values)))
    periods_rows = sorted((r for r in rows if r.is_period), key=lambda r: r.sort_key)
    event_rows = sorted((r for r in rows if not r.is_period), key=lambda r: r.sort_key)
    return periods_rows + event_rows


def _related(g: Graph, about) -> set:
    near = {about}
    for p, o in g.out(about):
        if not isinstance(o, ox.Literal) and p != RDF_TYPE:
            near.add(o)
    for s, p in g.inc(about):
        if p != RDF_TYPE:
            near.add(s)
    # one step further for what points at those (the closure of an office of the ICRC)
    out = set(near)
    for n in near:
        if n == about or g.kind(n) == "entity":
            continue
        for s, p in g.inc(n):
            if p != RDF_TYPE and g.kind(s) == "fact":
                out.add(s)
    return out


def timeline_svg(rows: list[Row], title: str = "") -> Markup | None:
    if not rows:
        return None
    xs = [x for r in rows for x in (r.begin, r.end) if x is not None]
    lo = math.floor(min(xs))
    hi = math.ceil(max(xs) + 0.01)
    if hi - lo < 2:
        lo, hi = lo - 1, hi + 1
    width, label_w, pad, row_h, top = 980, 430, 20, 24, 34
    chart_l, chart_r = label_w + 20, width - pad

    def x(v: float) -> float:
        return chart_l + (v - lo) / (hi - lo) * (chart_r - chart_l)

    height = top + row_h * len(rows) + 16
    parts = [Markup('<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
                    'height="{h}" role="img" aria-label="{t}">').format(w=width, h=height, t=title or "timeline")]
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if (hi - lo) / s <= 12)
    year = lo - lo % step
    while year <= hi:
        if year >= lo:
            parts.append(Markup('<line class="tick" x1="{x:.1f}" y1="{y1}" x2="{x:.1f}" y2="{y2}"/>'
                                '<text class="year" x="{x:.1f}" y="{ty}" text-anchor="middle">{year}</text>')
                         .format(x=x(year), y1=top - 8, y2=height - 8, ty=top - 14, year=year))
        year += step
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        if i % 2 == 0:
            parts.append(Markup('<rect class="band" x="0" y="{y:.1f}" width="{w}" height="{h}"/>')
                         .format(y=y - row_h / 2, w=width, h=row_h))
        href = iris.href(r.node.value) if isinstance(r.node, ox.NamedNode) else "#"
        label = shorten(r.label, 58 - (6 if r.more else 0)) + (f" (+{r.more})" if r.more else "")
        what = r.what if not r.is_period else ""
        parts.append(Markup('<a href="{href}"><text class="label" x="6" y="{y:.1f}">{label}<title>{full}</title>'
                            '</text></a>').format(href=href, y=y + 4, label=label, full=r.label))
        if r.is_period:
            b = r.begin if r.begin is not None else lo
            e = r.end if r.end is not None else hi
            cls = "bar" + (" open-start" if r.begin is None else "") + (" open-end" if r.end is None else "")
            parts.append(Markup('<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="16" rx="3">'
                                '<title>{b} – {e}</title></rect>')
                         .format(cls=cls, x=x(b), y=y - 8, w=max(x(e) - x(b), 3), b=r.begin_text or "…",
                                 e=r.end_text or "…"))
            text = f"{r.begin_text or '…'} – {r.end_text or '…'}"
            if x(e) - x(b) > 7 * len(text) + 20:
                tx, anchor, cls = x(b) + 6, "start", "date inside"
            elif x(b) - chart_l > 7 * len(text) + 10:
                tx, anchor, cls = x(b) - 6, "end", "date"
            else:
                tx, anchor, cls = x(e) + 6, "start", "date"
            parts.append(Markup('<text class="{c}" x="{x:.1f}" y="{y:.1f}" text-anchor="{a}">{t}</text>')
                         .format(c=cls, x=tx, y=y + 4, a=anchor, t=text))
        else:
            cx = x(r.begin)
            parts.append(Markup('<circle class="event" cx="{x:.1f}" cy="{y:.1f}" r="5"><title>{w}: {d}</title>'
                                '</circle>').format(x=cx, y=y, w=what, d=r.begin_text))
            text = f"{what} {r.begin_text}"
            anchor, tx = ("end", cx - 9) if cx > (chart_l + chart_r) / 2 else ("start", cx + 9)
            parts.append(Markup('<text class="date" x="{x:.1f}" y="{y:.1f}" text-anchor="{a}">{t}</text>')
                         .format(x=tx, y=y + 4, a=anchor, t=text))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


# -- neighbourhood -------------------------------------------------------------------

@dataclass
class Edge:
    other: object
    relation: str  # what the arrow says: "tracing" (handed over), "partner"
    kind: str  # handover | other
    via: object = None  # the node carrying the relation (a handover), for its link


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
            out.append(Edge(self.other, text, "other", others[0].via if len(others) == 1 else None))
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


def _what(g: Graph, handover, lang: str) -> str:
    for act in g.values(handover, ACTIVITY):
        for t in g.values(act, ACTIVITY_TYPE):
            return g.label(t, lang).text
        return g.label(act, lang).text
    items = g.values(handover, ITEM)
    if items:
        return sorted(i.value for i in items)[0]
    return g.label(handover, lang).text


def neighbourhood(g: Graph, root, lang: str) -> Neighbourhood:
    nb = Neighbourhood()
    seen: set = set()

    def add(side: list, other, relation, kind, via=None):
        key = (id(side), other, relation)
        if key in seen or other == root:
            return
        seen.add(key)
        side.append(Edge(other, relation, kind, via))

    rel = lambda p: g.label(p, lang).text
    incoming = g.inc(root)
    for s, p in incoming:
        if p == GIVER:
            for r in g.values(s, RECEIVER):
                add(nb.right, r, _what(g, s, lang), "handover", s)
        elif p == RECEIVER:
            for giver in g.values(s, GIVER):
                add(nb.left, giver, _what(g, s, lang), "handover", s)
        elif p == REFERRED_BY:
            for r in g.values(s, REFER_TO):
                add(nb.right, r, rel(REFER_TO), "other", s)
        elif p == REFER_TO:
            for r in g.values(s, REFERRED_BY):
                add(nb.left, r, rel(REFERRED_BY), "other", s)
        elif p == PARTNER:
            for r in g.values(s, PARTNER):
                add(nb.right, r, rel(PARTNER), "other", s)
        elif p == MEMBER:
            for r in g.values(s, ORGANIZATION):
                add(nb.right, r, rel(MEMBER_OF), "other", s)
        elif p in (ORGANIZATION, MEMBER_OF):
            who = g.values(s, MEMBER) if p == ORGANIZATION else [s]
            for r in who:
                add(nb.left, r, rel(MEMBER_OF), "other", s if p == ORGANIZATION else None)
        elif p == COOPERATES:
            add(nb.right, s, rel(COOPERATES), "other")
    for p, o in g.out(root):
        if p == COOPERATES:
            add(nb.right, o, rel(COOPERATES), "other")
        elif p == MEMBER_OF:
            add(nb.right, o, rel(MEMBER_OF), "other")
        elif p == GIVER:  # the root is a handover
            add(nb.left, o, rel(GIVER), "handover")
        elif p == RECEIVER:
            add(nb.right, o, rel(RECEIVER), "handover")
    nb.left.sort(key=lambda e: (e.kind != "handover", g.label(e.other, lang).text))
    nb.right.sort(key=lambda e: (e.kind != "handover", g.label(e.other, lang).text))
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


def neighbourhood_svg(g: Graph, root, nb: Neighbourhood, lang: str) -> Markup | None:
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
    name = g.label(root, lang).text
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
            other = g.label(b.other, lang).text
            href = iris.href(b.other.value) if isinstance(b.other, ox.NamedNode) else "#"
            parts.append(Markup('<rect class="box {k}" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="6"/>')
                         .format(k=b.kind, x=x0, y=y, w=box_w, h=h))
            parts.append(Markup('<a href="{href}"><text class="name" x="{x:.1f}" y="{y:.1f}">{t}<title>{full}</title>'
                                '</text></a>').format(href=href, x=x0 + 8, y=y + 18, t=shorten(other, 40), full=other))
            for i, e in enumerate(b.lines()):
                via = iris.href(e.via.value) if isinstance(e.via, ox.NamedNode) else href
                parts.append(Markup('<a href="{href}"><text class="rel {k}" x="{x:.1f}" y="{y:.1f}">{arrow} {t}'
                                    '<title>{full}</title></text></a>')
                             .format(href=via, k=e.kind, x=x0 + 8, y=y + 36 + i * line_h, t=shorten(e.relation, 54),
                                     full=e.relation, arrow="→" if side == "right" else "←"))
            y += h + gap

    column(left, 10, "left")
    column(right, width - box_w - 10, "right")
    parts.append(Markup('<rect class="box root" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="8"/>')
                 .format(x=cx - center_w / 2, y=cy - root_h / 2, w=center_w, h=root_h))
    parts.append(Markup('<text class="name root" x="{x:.1f}" y="{y:.1f}" text-anchor="middle"><title>{full}</title>')
                 .format(x=cx, y=cy - root_h / 2 + 8, full=name))
    for line in title_lines:
        parts.append(Markup('<tspan x="{x:.1f}" dy="18">{t}</tspan>').format(x=cx, t=line))
    parts.append(Markup("</text></svg>"))
    return Markup("").join(parts)
