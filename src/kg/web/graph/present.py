"""What the pages show, made from the graph: values, statements, facts with their roles and
their references, and the whole page of an entity.

Everything is generic: a fact's roles are its properties, named by the ontology's labels in
the page's language; the facts that point at an entity are grouped under the property's
inverse label (``kg:inverseLabel``). A new property in the ontology appears on the pages
without a change here. Templates get plain dicts and strings; Jinja escapes every one.
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox

from ...namespaces import KG, ORG
from . import i18n, iris
from .names import Namer
from .reader import (
    CHARS,
    DATE,
    DTYPE,
    HAS_EVIDENCE,
    HEADER_PROPS,
    IDENTIFIER,
    LANGUAGE,
    PUBLISHER,
    RDF_TYPE,
    TITLE,
    GraphReader,
    Label,
    Passage,
    date_value,
    local_name,
)

_k = lambda x: ox.NamedNode(str(KG[x]))  # noqa: E731

#: The order of the groups of facts on an entity's page (others follow, by heading): where it
#: is and was, what it handed over and received, what it does, what it may do, what it decided.
GROUP_ORDER = [ox.NamedNode(str(ORG.unitOf)), _k("giver"), _k("receiver"), _k("receivingUnit"), _k("performedBy"),
               _k("mandateOf"), _k("decidedBy"), _k("signatory"), _k("party"), _k("partner"),
               ox.NamedNode(str(ORG.member)), ox.NamedNode(str(ORG.organization)), _k("referredBy"), _k("referTo"),
               _k("closedUnit"), _k("openedUnit"), _k("handedOverActivity"), _k("activityType"), _k("inPlace"),
               _k("continuesIn")]
#: The order of a fact's roles (others follow, by label).
ROLE_ORDER = [_k(x) for x in (
    "giver", "handedOverActivity", "handedOverItem", "receiver", "receivingUnit", "condition", "performedBy",
    "activityType", "inPlace", "continuesIn", "activeDuring", "reached", "atTime", "endBound", "closedUnit",
    "openedUnit", "decidedBy", "reason", "signatory", "onBehalfOf", "party", "signedOn", "signedIn", "ratifiedBy",
    "ratifiedOn", "firstVisitOn", "grants", "mandateOf", "establishedBy", "partner", "referredBy", "referTo",
    "forMatter", "groundedIn", "concerns", "surfaceText", "value", "qualifier", "unit")]
#: How many facts of a group show before the rest are folded.
SHOWN_PER_GROUP = 8


class Presenter:
    def __init__(self, g: GraphReader, namer: Namer):
        self.g = g
        self.namer = namer
        self.lang = namer.lang
        self._group_rank = {p: i for i, p in enumerate(GROUP_ORDER)}
        self._role_rank = {p: i for i, p in enumerate(ROLE_ORDER)}

    # -- single values ------------------------------------------------------------------
    def prop_label(self, p) -> Label:
        return self.g.stored_label(p, self.lang) or Label(iris.curie(p.value), "zxx")

    def heading(self, p) -> Label:
        """The heading of what points at a resource with ``p``: its inverse label, or "← p"."""
        inv = self.g.inverse_label(p, self.lang)
        if inv is not None:
            return inv
        label = self.prop_label(p)
        return Label("← " + label.text, label.lang, label.fallback)

    def link(self, n, stated_by: list | None = None) -> dict:
        """A node or literal as the page shows it: its name in the page's language (a name in
        another language is marked), where it lives, and what kind of thing it is."""
        if isinstance(n, ox.Literal):
            label = self.namer.literal(n, stated_by)
            dt = n.datatype.value if n.datatype is not None else ""
            return {"text": label.text, "lang": label.lang, "fallback": label.fallback, "href": None, "iri": None,
                    "kind": "literal", "langs": _langs(stated_by), "note": "",
                    "datatype": iris.curie(dt) if dt and not dt.endswith(("#string", "#langString", "#integer",
                                                                            "#decimal", "#nonNegativeInteger"))
                    and not date_value(self.g, n) else None}
        label = self.namer.name(n)
        return {
            "text": label.text,
            "lang": label.lang,
            "fallback": label.fallback,
            "href": iris.href(n.value) if isinstance(n, ox.NamedNode) else None,
            "iri": n.value,
            "kind": self.g.kind(n),
            "langs": _langs(stated_by),
            "note": "",
            "mixed": label.mixed,
            "parts": [{"text": t, "lang": lg} for t, lg in label.parts],
        }

    def class_links(self, n) -> list[dict]:
        return [self.link(t) for t in self.g.most_specific_types(n)]

    # -- statements: a property and its values --------------------------------------------
    def statements(self, n, skip: set | None = None) -> list[dict]:
        """n's properties with their values (not names, types, evidence), each value with the
        languages of the documents that state it when the documents differ."""
        groups: dict = OrderedDict()
        for p, o in self.g.out(n):
            if p in HEADER_PROPS or (skip and ((p, o) in skip or p in skip)):
                continue
            groups.setdefault(p, []).append(o)
        # a value stated through a property and one of its super-properties shows once, under
        # the more specific (a closure's closed unit is also its org:originalOrganization)
        for p, objs in list(groups.items()):
            for sup in self.g.super_properties(p):
                if sup in groups:
                    groups[sup] = [o for o in groups[sup] if o not in objs]
        out = []
        for p, objs in groups.items():
            if not objs:
                continue
            out.append(self.statement(n, p, objs))
        out.sort(key=lambda r: (self._role_rank.get(ox.NamedNode(r["iri"]), len(self._role_rank)), r["label"].casefold()))
        return out

    def statement(self, n, p, objs: list) -> dict:
        label = self.prop_label(p)
        values, more = [], []
        literals = [o for o in objs if isinstance(o, ox.Literal) and not o.language]
        nodes = [o for o in objs if o not in literals]
        readings = []
        for o in sorted(nodes, key=lambda t: (isinstance(t, ox.Literal), _date_key(self.g, t), t.value)):
            v = self.link(o, self.g.stated_in(n, p, o))
            values.append(v)
            # (a period says for itself which document gives which end)
            if v["kind"] == "dependent" and not self.namer.is_period(o):
                readings.append(v)
        # words quoted from documents: those in the page's language; the others folded (one
        # shown, marked, when none is in the page's language)
        quoted = [self.link(o, self.g.stated_in(n, p, o)) for o in sorted(literals, key=lambda t: t.value)]
        here = [v for v in quoted if not v["fallback"]]
        there = [v for v in quoted if v["fallback"]]
        if here:
            values += here
            more += there
        elif there:
            values.append(there[0])
            more += there[1:]
        # which document says what, where they say it differently: dates ("3 Sep 2025 (ru) ·
        # Sep 2025 (en, az)"), periods, figures and quoted words
        for group in (readings, [v for v in values if v["kind"] == "literal"]):
            show = len({v["langs"] for v in group if v["langs"]}) > 1
            for v in group:
                v["note"] = ", ".join(_lang_sorted(v["langs"], self.lang)) if show and v["langs"] else ""
        return {"label": label.text, "lang": label.lang, "fallback": label.fallback, "iri": p.value,
                "href": iris.href(p.value), "vals": values, "more": more}

    # -- references -------------------------------------------------------------------------
    def references(self, n) -> dict:
        """The passages behind n: those in the page's language first, the rest folded."""
        passages = [self.passage(p) for p in self.g.passages_of(n)]
        here = [p for p in passages if p["lang"] == self.lang]
        there = [p for p in passages if p["lang"] != self.lang]
        shown = here or there[:1]
        more = there if here else there[1:]
        return {"count": len(passages), "shown": shown, "more": more}

    def passage(self, p: Passage) -> dict:
        src = p.source
        return {
            "iri": p.node.value,
            "href": iris.href(p.node.value),
            "doc": src.node.value,
            "doc_href": iris.href(src.node.value) + "#" + p.anchor,
            "doc_id": src.ident,
            "doc_title": src.title,
            "lang": src.lang,
            "start": p.start,
            "end": p.end,
            "exact": p.exact,
            "prefix": p.prefix,
            "suffix": p.suffix,
            "anchor": p.anchor,
        }

    # -- facts ---------------------------------------------------------------------------------
    def fact(self, n, about=None, depth: int = 1) -> dict:
        """A fact as a row of an entity's page: its name, its roles (not the one that points at
        ``about``), the events about it (a closure of an office) and its references."""
        vm = self.link(n)
        vm["classes"] = [c["text"] for c in self.class_links(n)]
        skip = {(p, about) for p, o in self.g.out(n) if o == about} if about is not None else set()
        vm["roles"] = self.statements(n, skip)
        vm["refs"] = self.references(n)
        vm["events"] = []
        if depth > 0:
            for s, p in self.g.inc(n):
                if p in (RDF_TYPE, HAS_EVIDENCE) or self.g.kind(s) != "fact" or s == about:
                    continue
                if any(e["iri"] == s.value for e in vm["events"]):
                    continue
                vm["events"].append(self.fact(s, about=n, depth=depth - 1))
        vm["figures"] = sum(1 for r in vm["roles"] for v in r["vals"] if v["kind"] == "dependent"
                            and ox.NamedNode(r["iri"]) == _k("reached"))
        return vm

    def fact_groups(self, n) -> tuple[list[dict], list[dict]]:
        """(groups of the facts that point at n, groups of the other things that do): each under
        its property's inverse label; a fact stated through a property and its super-property
        is listed once, under the more specific."""
        facts: dict = OrderedDict()
        others: dict = OrderedDict()
        for s, p in self.g.inc(n):
            kind = self.g.kind(s)
            target = facts if (kind in ("fact", "dependent") and p != RDF_TYPE) or p == HAS_EVIDENCE else others
            target.setdefault(p, [])
            if s not in target[p]:
                target[p].append(s)
        for groups in (facts, others):
            for p in list(groups):
                for sup in self.g.super_properties(p):
                    if sup in groups:
                        groups[sup] = [s for s in groups[sup] if s not in groups[p]]
        fact_groups = []
        for p, subjects in facts.items():
            if not subjects:
                continue
            rows = [self.fact(s, about=n) for s in subjects]
            rows.sort(key=lambda f: (-f["figures"], -len(f["events"]), f["text"].casefold()))
            title = self.heading(p)
            fact_groups.append({"title": title.text, "lang": title.lang, "fallback": title.fallback,
                                "iri": p.value, "key": local_name(p.value),
                                "facts": rows[:SHOWN_PER_GROUP], "more": rows[SHOWN_PER_GROUP:], "count": len(rows)})
        fact_groups.sort(key=lambda grp: (self._group_rank.get(ox.NamedNode(grp["iri"]), len(self._group_rank)),
                                          grp["title"].casefold()))
        links = []
        for p, subjects in others.items():
            if not subjects:
                continue
            title = self.heading(p)
            vals = sorted((self.link(s) for s in subjects), key=lambda v: v["text"].casefold())
            links.append({"title": title.text, "lang": title.lang, "fallback": title.fallback, "iri": p.value,
                          "href": iris.href(p.value), "vals": vals})
        links.sort(key=lambda grp: grp["title"].casefold())
        return fact_groups, links

    # -- a whole entity page ---------------------------------------------------------------
    def entity(self, n) -> dict:
        g = self.g
        label = self.namer.name(n)
        kind = g.kind(n)
        groups, links = self.fact_groups(n)
        own_refs = self.references(n) if kind != "entity" else None
        return {
            "iri": n.value,
            "href": iris.href(n.value) if isinstance(n, ox.NamedNode) else None,
            "label": label.text,
            "label_lang": label.lang,
            "label_fallback": label.fallback,
            "label_mixed": label.mixed,
            "label_parts": [{"text": t, "lang": lg} for t, lg in label.parts],
            "kind": kind,
            "names": [{"lang": k, "pref": v["pref"], "alt": v["alt"]} for k, v in
                      sorted(g.names(n).items(), key=lambda kv: _lang_order(kv[0], self.lang))],
            "classes": self.class_links(n),
            "statements": self.statements(n),
            "fact_groups": groups,
            "links": links,
            "refs": own_refs,
            "mentions": self.mentions(n) if kind == "entity" else [],
        }

    def mentions(self, n) -> list[dict]:
        """Where an entity is named: per document (the page's language first), its words and places."""
        docs: dict = OrderedDict()
        for p in self.g.passages_of(n):
            src = p.source
            d = docs.setdefault(src.node, {"doc": src.node.value, "title": src.title, "lang": src.lang,
                                           "doc_id": src.ident, "href": iris.href(src.node.value), "forms": {},
                                           "places": []})
            d["forms"][p.exact] = d["forms"].get(p.exact, 0) + 1
            d["places"].append({"href": iris.href(src.node.value) + "#" + p.anchor, "exact": p.exact,
                                "n": len(d["places"]) + 1})
        out = []
        for d in docs.values():
            d["forms"] = sorted(d["forms"].items(), key=lambda kv: (-kv[1], kv[0]))
            out.append(d)
        out.sort(key=lambda d: (d["lang"] != self.lang, d["doc_id"]))
        return out

    # -- documents ---------------------------------------------------------------------------
    def document_meta(self, doc) -> list[dict]:
        rows = []
        for key, p in (("title", TITLE), ("identifier", IDENTIFIER), ("language", LANGUAGE), ("date", DATE),
                       ("publisher", PUBLISHER), ("kind", DTYPE)):
            vals = [self.link(o) for o in self.g.values(doc, p)]
            if vals:
                rows.append({"label": i18n.t(key, self.lang), "vals": vals})
        shown = {TITLE.value, IDENTIFIER.value, LANGUAGE.value, DATE.value, PUBLISHER.value, DTYPE.value, CHARS.value}
        for st in self.statements(doc):
            if st["iri"] not in shown:
                rows.append({"label": st["label"], "vals": st["vals"]})
        return rows


def _langs(stated_by) -> tuple[str, ...]:
    langs: list[str] = []
    for src in stated_by or ():
        if src.lang not in langs:
            langs.append(src.lang)
    return tuple(langs)


def _date_key(g: GraphReader, t) -> tuple:
    """Dates in time order, a more precise date before the less precise one that contains it."""
    d = date_value(g, t) if not isinstance(t, ox.Literal) else None
    if not d:
        return ("",)
    return (d[:4], -len(d), d)


def _lang_sorted(langs, page_lang: str) -> list[str]:
    order = list(i18n.LANGUAGES)
    return sorted(langs, key=lambda x: (x != page_lang, order.index(x) if x in order else len(order), x))


def _lang_order(lang: str, page_lang: str) -> tuple:
    order = list(i18n.LANGUAGES)
    return (lang != page_lang, order.index(lang) if lang in order else len(order), lang)


__all__ = ["Presenter"]
