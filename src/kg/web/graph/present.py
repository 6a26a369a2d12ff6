"""What the pages show, made from a resource's description (:meth:`KG.describe`): names,
classes, facts grouped by how they are linked, values, and the passages behind them.

Templates get plain dicts and strings; Jinja escapes every one of them.
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox

from ...namespaces import DCTERMS, KG, ORG, PREFIXES, TIME
from . import i18n, iris
from .model import (
    ALT,
    CHARS,
    DATE,
    DTYPE,
    HAS_EVIDENCE,
    HAS_SOURCE,
    HEADER_PROPS,
    HIDDEN,
    IDENTIFIER,
    LANGUAGE,
    PREF,
    PUBLISHER,
    RDF_TYPE,
    RDFS_LABEL,
    TITLE,
    N,
    date_value,
    shorten,
    term_key,
)
from .model import KG as Graph

#: The order of a fact's properties on its card (others follow, by label).
PROPERTY_ORDER = [str(KG[x]) for x in (
    "giver", "receiver", "handedOverActivity", "handedOverItem", "condition", "performedBy", "activityType",
    "inPlace", "activeDuring", "reached", "atTime", "endBound", "closedUnit", "decidedBy", "reason",
    "signatory", "signedOn", "ratifiedBy", "ratifiedOn", "firstVisitOn", "grants", "mandateOf", "establishedBy",
    "partner", "referredBy", "referTo", "forMatter", "groundedIn", "continuesIn", "surfaceText", "value",
    "qualifier", "unit")] + [str(ORG.unitOf), str(ORG.member), str(ORG.organization), str(TIME.hasBeginning),
                            str(TIME.hasEnd)]
_ORDER = {p: i for i, p in enumerate(PROPERTY_ORDER)}


class Presenter:
    def __init__(self, g: Graph, lang: str):
        self.g = g
        self.lang = lang

    # -- single values ------------------------------------------------------------------
    def prop_label(self, p) -> str:
        return self.g.label(p, self.lang).text

    def link(self, n) -> dict:
        """A node as a link: its label in the page's language and where it lives."""
        g = self.g
        if isinstance(n, ox.Literal):
            return self.literal(n)
        lab = g.label(n, self.lang)
        kind = g.kind(n)
        text = lab.text
        if kind == "dependent":
            text = self.dependent_text(n) or text
        return {
            "text": text,
            "lang": lab.lang,
            "href": iris.href(n.value) if isinstance(n, ox.NamedNode) else None,
            "iri": n.value,
            "kind": kind,
            "classes": [self.g.label(t, self.lang).text for t in sorted(g.types(n), key=lambda t: t.value)],
        }

    def literal(self, lit: ox.Literal) -> dict:
        dt = lit.datatype.value if lit.datatype is not None else ""
        return {"text": lit.value, "lang": lit.language, "href": None, "iri": None, "kind": "literal",
                "datatype": iris.curie(dt) if dt and not dt.endswith(("#string", "#langString")) else None}

    def dependent_text(self, n) -> str | None:
        g = self.g
        d = date_value(g, n)
        if d:
            surface = sorted(lit.value for lit in g.literals(n, (N(str(KG.surfaceText)),)))
            return d + (f" ({'; '.join(surface)})" if surface else "")
        if g.is_evidence(n):
            q = g.quote(n)
            return ("“" + shorten(q[0], 90) + "”") if q else None
        return g.label(n, self.lang).text

    # -- facts -------------------------------------------------------------------------
    def properties(self, n, skip: set | None = None) -> list[dict]:
        """[{label, iri, values: [value]}] of n's statements (not names, types, evidence)."""
        groups: dict = OrderedDict()
        for p, o in self.g.out(n):
            if p in HEADER_PROPS or (skip and (p, o) in skip):
                continue
            groups.setdefault(p, []).append(o)
        out = []
        for p, objs in groups.items():
            vals = [self.link(o) for o in sorted(objs, key=lambda t: (isinstance(t, ox.Literal), term_key(t)))]
            out.append({"label": self.prop_label(p), "iri": p.value, "href": iris.href(p.value), "vals": vals})
        out.sort(key=lambda r: (_ORDER.get(r["iri"], len(_ORDER)), r["label"]))
        return out

    def evidence(self, n) -> list[dict]:
        out = []
        for ev in self.g.evidence_of(n):
            info = self.g.evidence_info(ev)
            if info is None:
                continue
            out.append(self._evidence_vm(info))
        return out

    def _evidence_vm(self, info: dict) -> dict:
        info = dict(info)
        info["doc_href"] = iris.href(info["doc"]) + "#" + info["anchor"]
        info["href"] = iris.href(info["iri"])
        return info

    def fact(self, n, skip: set | None = None) -> dict:
        vm = self.link(n)
        vm["properties"] = self.properties(n, skip)
        vm["evidence"] = self.evidence(n)
        return vm

    # -- a whole entity page ---------------------------------------------------------------
    def entity(self, n) -> dict:
        g = self.g
        lab = g.label(n, self.lang)
        names = g.names(n)
        kind = g.kind(n)
        groups: dict = OrderedDict()
        incoming_links: dict = OrderedDict()
        instances = []
        for s, p in g.inc(n):
            if p == RDF_TYPE:
                instances.append(s)
                continue
            if p == HAS_EVIDENCE and g.kind(s) == "entity":
                incoming_links.setdefault(p, []).append(s)
                continue
            if g.kind(s) in ("fact", "dependent") or p == HAS_EVIDENCE:
                groups.setdefault(p, []).append(s)
            else:
                incoming_links.setdefault(p, []).append(s)
        fact_groups = []
        order = {p: i for i, p in enumerate(i18n.REVERSE_ORDER)}
        for p, subjects in groups.items():
            facts = [self.fact(s, skip={(p, n)}) for s in _unique(subjects)]
            facts.sort(key=lambda f: f["text"].casefold())
            title = i18n.heading(p.value, self.lang) or f"← {self.prop_label(p)}"
            fact_groups.append({"title": title, "iri": p.value, "facts": facts,
                                "key": iris.local_name(p.value)})
        fact_groups.sort(key=lambda grp: (order.get(grp["iri"], len(order)), grp["title"]))
        links = []
        for p, subjects in incoming_links.items():
            vals = sorted((self.link(s) for s in _unique(subjects)), key=lambda v: v["text"].casefold())
            links.append({"label": self.prop_label(p), "iri": p.value, "href": iris.href(p.value), "vals": vals})
        own_evidence = self.evidence(n)
        mentions = self.mentions(own_evidence) if kind == "entity" else []
        return {
            "iri": n.value,
            "href": iris.href(n.value) if isinstance(n, ox.NamedNode) else None,
            "label": lab.text,
            "label_lang": lab.lang,
            "kind": kind,
            "names": [{"lang": k, "pref": v["pref"], "alt": v["alt"]} for k, v in
                      sorted(names.items(), key=lambda kv: _lang_order(kv[0]))],
            "classes": [self.link(t) for t in sorted(g.types(n), key=lambda t: t.value)],
            "properties": self.properties(n),
            "fact_groups": fact_groups,
            "incoming": links,
            "instances": sorted((self.link(s) for s in _unique(instances)), key=lambda v: v["text"].casefold()),
            "passages": own_evidence if kind != "entity" else [],
            "mentions": mentions,
        }

    def mentions(self, evidence: list[dict]) -> list[dict]:
        """Where an entity is named: per document, its surface forms and the places."""
        docs: dict = OrderedDict()
        for ev in evidence:
            d = docs.setdefault(ev["doc"], {"doc": ev["doc"], "title": ev["doc_title"], "lang": ev["doc_lang"],
                                           "doc_id": ev["doc_id"], "href": iris.href(ev["doc"]), "forms": {},
                                           "places": []})
            d["forms"][ev["exact"]] = d["forms"].get(ev["exact"], 0) + 1
            d["places"].append({"href": ev["doc_href"], "exact": ev["exact"], "n": len(d["places"]) + 1})
        out = []
        for d in docs.values():
            d["forms"] = sorted(d["forms"].items(), key=lambda kv: (-kv[1], kv[0]))
            out.append(d)
        return out

    # -- documents ---------------------------------------------------------------------------
    def document_meta(self, doc) -> list[dict]:
        g = self.g
        rows = []
        for key, p in (("title", TITLE), ("identifier", IDENTIFIER), ("language", LANGUAGE), ("date", DATE),
                       ("publisher", PUBLISHER), ("kind", DTYPE)):
            vals = [self.link(o) for o in g.values(doc, p)]
            if vals:
                rows.append({"label": i18n.t(key, self.lang) if key != "language" else i18n.t("language", self.lang),
                             "vals": vals})
        for prop in self.properties(doc):
            if prop["iri"] in (TITLE.value, IDENTIFIER.value, LANGUAGE.value, DATE.value, PUBLISHER.value,
                               DTYPE.value, CHARS.value):
                continue
            rows.append({"label": prop["label"], "vals": prop["vals"]})
        return rows


def _unique(items: list) -> list:
    return list(OrderedDict.fromkeys(items))


def _lang_order(lang: str) -> tuple:
    return (i18n.LANGUAGES.index(lang) if lang in i18n.LANGUAGES else len(i18n.LANGUAGES), lang)


__all__ = ["ALT", "DCTERMS", "HAS_SOURCE", "HIDDEN", "PREF", "PREFIXES", "RDFS_LABEL", "Presenter"]
