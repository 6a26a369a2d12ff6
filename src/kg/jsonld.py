"""JSON-LD a web developer can read: the published ``@context`` (short keys), a framer that
puts one resource at the root with its facts and their evidence nested inside, and the whole
dataset with its named graphs — what the entity pages, ``/export`` and ``kg export`` write.

The JSON-LD is written here from the triples (no JSON-LD library): every key is a term of
:data:`CONTEXT`, a compact IRI or, for a property of the ontology, its local name (the
context's ``@vocab``); a value that does not fit a term's type stays an explicit value
object, so that the document expands to exactly the triples it was made from.
"""

from __future__ import annotations

import json
from collections import OrderedDict

import pyoxigraph as ox

from .namespaces import PREFIXES, RDF, XSD

KG_NS = PREFIXES["kg"]
RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)
XSD_INTEGER = str(XSD.integer)
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _id(curie: str, **extra) -> dict:
    return {"@id": curie, **extra}


def _ref(curie: str, many: bool = False) -> dict:
    d = {"@id": curie, "@type": "@id"}
    if many:
        d["@container"] = "@set"
    return d


def _lang(curie: str) -> dict:
    return {"@id": curie, "@container": "@language"}


def _rev(curie: str) -> dict:
    return {"@reverse": curie, "@container": "@set"}


_KG_LINKS = ["performedBy", "activityType", "reached", "groundedIn", "continuesIn", "qualifier", "mandateOf",
             "hasMandate", "establishedBy", "signatory", "onBehalfOf", "signedOn", "ratifiedOn", "ratifiedBy",
             "firstVisitOn", "closedUnit", "openedUnit", "decidedBy", "atTime", "endBound", "handedOverActivity",
             "giver", "receiver", "concerns", "referTo", "referredBy", "partner", "cooperatesWith", "presentIn",
             "jurisdiction", "locatedIn"]
_KG_TEXT = ["surfaceText", "unit", "grants", "reason", "condition", "handedOverItem", "forMatter", "dateAsStated",
            "sha256", "beneficiaries", "value"]

#: The context published at /context.jsonld.
CONTEXT: dict = OrderedDict()
CONTEXT["@vocab"] = KG_NS
for _p, _ns in PREFIXES.items():
    CONTEXT[_p] = _ns
CONTEXT.update({
    "id": "@id",
    "type": "@type",
    # names
    "name": _lang("skos:prefLabel"),
    "altName": _lang("skos:altLabel"),
    "hiddenName": _lang("skos:hiddenLabel"),
    "label": _lang("rdfs:label"),
    "definition": _lang("skos:definition"),
    "title": _lang("dcterms:title"),
    "description": _lang("dcterms:description"),
    # documents
    "language": _id("dcterms:language"),
    "identifier": _id("dcterms:identifier"),
    "publisher": _id("dcterms:publisher"),
    "date": _id("dcterms:date"),
    "documentKind": _ref("dcterms:type"),
    "text": _id("cnt:chars"),
    # organisations, offices, places
    "organisation": _ref("org:unitOf"),
    "memberOf": _ref("org:memberOf"),
    "member": _ref("org:member"),
    "inOrganisation": _ref("org:organization"),
    "place": _ref("kg:inPlace"),
    "period": _ref("kg:activeDuring"),
    "associatedWith": _ref("prov:wasAssociatedWith"),
    # time
    "begins": _ref("time:hasBeginning"),
    "ends": _ref("time:hasEnd"),
    "day": _id("time:inXSDDate", **{"@type": "xsd:date"}),
    "month": _id("time:inXSDgYearMonth", **{"@type": "xsd:gYearMonth"}),
    "year": _id("time:inXSDgYear", **{"@type": "xsd:gYear"}),
    "unitType": _ref("time:unitType"),
    # evidence: the passage of a document a statement comes from
    "evidence": _ref("kg:hasEvidence", many=True),
    "source": _ref("oa:hasSource"),
    "selector": _ref("oa:hasSelector", many=True),
    "quote": _id("oa:exact"),
    "before": _id("oa:prefix"),
    "after": _id("oa:suffix"),
    "start": _id("oa:start"),
    "end": _id("oa:end"),
    # concepts and classes
    "broader": _ref("skos:broader"),
    "narrower": _ref("skos:narrower"),
    "inScheme": _ref("skos:inScheme"),
    "topConceptOf": _ref("skos:topConceptOf"),
    "hasTopConcept": _ref("skos:hasTopConcept"),
    "subClassOf": _ref("rdfs:subClassOf"),
})
for _k in _KG_LINKS:
    CONTEXT[_k] = _ref("kg:" + _k)
for _k in _KG_TEXT:
    CONTEXT[_k] = _id("kg:" + _k)
CONTEXT.update({
    # the other way round: what points at a resource (used when it is the root)
    "offices": _rev("org:unitOf"),
    "members": _rev("org:memberOf"),
    "activities": _rev("kg:performedBy"),
    "handoversGiven": _rev("kg:giver"),
    "handoversReceived": _rev("kg:receiver"),
    "mandates": _rev("kg:mandateOf"),
    "memberships": _rev("org:member"),
    "membershipsOf": _rev("org:organization"),
    "partnerships": _rev("kg:partner"),
    "cooperatingWith": _rev("kg:cooperatesWith"),
    "referralsMade": _rev("kg:referredBy"),
    "referralsReceived": _rev("kg:referTo"),
    "agreementsSigned": _rev("kg:signatory"),
    "decisions": _rev("kg:decidedBy"),
    "closures": _rev("kg:closedUnit"),
    "openings": _rev("kg:openedUnit"),
    "handedOverIn": _rev("kg:handedOverActivity"),
    "here": _rev("kg:inPlace"),
    "placesWithin": _rev("kg:locatedIn"),
    "activitiesOfType": _rev("kg:activityType"),
    "groundsFor": _rev("kg:groundedIn"),
    "establishes": _rev("kg:establishedBy"),
    "eventsConcerning": _rev("kg:concerns"),
    "periodOf": _rev("kg:activeDuring"),
    "beginningOf": _rev("time:hasBeginning"),
    "endOf": _rev("time:hasEnd"),
    "timeOf": _rev("kg:atTime"),
    "evidenceOf": _rev("kg:hasEvidence"),
    "passages": _rev("oa:hasSource"),
    "selectorOf": _rev("oa:hasSelector"),
    "instances": _rev("rdf:type"),
    "narrowerConcepts": _rev("skos:broader"),
    "subClasses": _rev("rdfs:subClassOf"),
})


def context_document() -> dict:
    return {"@context": CONTEXT}


def _expand(curie: str) -> str:
    if ":" in curie:
        prefix, local = curie.split(":", 1)
        if prefix in PREFIXES:
            return PREFIXES[prefix] + local
    return curie


class _Terms:
    def __init__(self, context: dict):
        self.forward: dict[str, tuple[str, dict]] = {}
        self.reverse: dict[str, tuple[str, dict]] = {}
        self.keys = set(context)
        for key, d in context.items():
            if key.startswith("@") or not isinstance(d, dict):
                continue
            if "@reverse" in d:
                self.reverse.setdefault(_expand(d["@reverse"]), (key, d))
            else:
                self.forward.setdefault(_expand(d["@id"]), (key, d))

    def fallback_key(self, iri: str) -> str:
        if iri.startswith(KG_NS):
            local = iri[len(KG_NS):]
            if local and local not in self.keys and ":" not in local and local.replace("_", "").isalnum():
                return local
        best = None
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(PREFIXES[best])):
                best = prefix
        return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri

    def compact_type(self, iri: str) -> str:
        if iri.startswith(KG_NS):
            local = iri[len(KG_NS):]
            if local and local not in self.keys and ":" not in local:
                return local
        key = self.fallback_key(iri)
        return key if not key.startswith(KG_NS) else iri


TERMS = _Terms(CONTEXT)


def _node_id(term) -> str:
    return ("_:" + term.value) if isinstance(term, ox.BlankNode) else term.value


def _value_object(lit: ox.Literal):
    """A literal as JSON-LD without any coercion from a term."""
    dt = lit.datatype.value
    if lit.language:
        return {"@value": lit.value, "@language": lit.language}
    if dt == XSD_STRING:
        return lit.value
    if dt == XSD_INTEGER:
        try:
            if str(int(lit.value)) == lit.value:
                return int(lit.value)
        except ValueError:
            pass
    return {"@value": lit.value, "@type": TERMS.fallback_key(dt)}


class _Obj:
    """A node object being built: values per key, language maps kept apart."""

    def __init__(self, ident: str):
        self.d: dict = {"id": ident}
        self.lang_maps: dict[str, dict[str, list[str]]] = {}
        self.reverse_plain: dict[str, list] = {}

    def add(self, key: str, value, many: bool = False) -> None:
        cur = self.d.get(key)
        if cur is None:
            self.d[key] = [value] if many else value
        elif isinstance(cur, list):
            if value not in cur:
                cur.append(value)
        elif cur != value:
            self.d[key] = [cur, value]

    def add_lang(self, key: str, lang: str, text: str) -> None:
        m = self.lang_maps.setdefault(key, {})
        vals = m.setdefault(lang, [])
        if text not in vals:
            vals.append(text)

    def finish(self) -> dict:
        for key, m in self.lang_maps.items():
            self.d[key] = {lang: (vals[0] if len(vals) == 1 else vals) for lang, vals in sorted(m.items())}
        if self.reverse_plain:
            self.d["@reverse"] = self.reverse_plain
        first = [k for k in _FIRST_KEYS if k in self.d]
        return {k: self.d[k] for k in first + [k for k in self.d if k not in _FIRST_KEYS]}


_FIRST_KEYS = ("id", "type", "name", "altName", "label", "title", "quote", "start", "end", "source")


def _put(obj: _Obj, p: str, o, nested: dict | None) -> None:
    """Add the statement (subject, p, o) to obj under the right key."""
    if p == RDF_TYPE and isinstance(o, ox.NamedNode):
        obj.add("type", TERMS.compact_type(o.value))
        return
    term = TERMS.forward.get(p)
    key, d = term if term else (TERMS.fallback_key(p), {})
    many = d.get("@container") == "@set"
    coerce = d.get("@type")
    if d.get("@container") == "@language":
        if isinstance(o, ox.Literal) and o.language:
            obj.add_lang(key, o.language, o.value)
            return
        key, d, many, coerce = TERMS.fallback_key(p), {}, False, None
    if isinstance(o, ox.Literal):
        if coerce and coerce != "@id" and not o.language and _expand(coerce) == o.datatype.value:
            obj.add(key, o.value, many)
        elif coerce and coerce != "@id":
            obj.add(key, {"@value": o.value, **({"@language": o.language} if o.language else
                                                {"@type": TERMS.fallback_key(o.datatype.value)})}, many)
        else:
            obj.add(key, _value_object(o) if coerce != "@id" else _explicit(o), many)
        return
    if nested is not None:
        obj.add(key, nested, many)
    elif coerce == "@id":
        obj.add(key, _node_id(o), many)
    else:
        obj.add(key, {"id": _node_id(o)}, many)


def _explicit(lit: ox.Literal) -> dict:
    if lit.language:
        return {"@value": lit.value, "@language": lit.language}
    return {"@value": lit.value, "@type": TERMS.fallback_key(lit.datatype.value)}


#: Nodes written out in full wherever they are referred to: passages, periods, dates, figures.
COPIED_TYPES = {KG_NS + "Evidence", "http://www.w3.org/ns/oa#SpecificResource",
                "http://www.w3.org/ns/oa#TextQuoteSelector", "http://www.w3.org/ns/oa#TextPositionSelector",
                KG_NS + "Period", KG_NS + "Figure", "http://www.w3.org/2006/time#Instant"}


def frame(root, triples) -> dict:
    """The triples as one JSON-LD tree with ``root`` at the top.

    Every subject is written out in full once, where a breadth-first walk from the root
    first reaches it (following statements forward, or backward to what points at it);
    small nodes that only carry literals (documents, selectors, names of organisations)
    are repeated wherever they are referred to, so a reader finds a passage's document
    title next to the passage.
    """
    out: dict = {}
    inc: dict = {}
    for s, p, o in triples:
        out.setdefault(s, []).append((p, o))
        if not isinstance(o, ox.Literal):
            inc.setdefault(o, []).append((s, p))

    def is_leaf(n) -> bool:
        return n in out and all(isinstance(o, ox.Literal) or p.value == RDF_TYPE for p, o in out[n])

    # where each subject is written out: its parent in the walk. The walk follows
    # statements forward; backward only from the root (what points at it: its facts),
    # and then, for what is still not reached, from the node it points at (the facts
    # made from a passage of a document), never from a small node such as a document
    # cited by many passages.
    home: dict = {root: None}

    def walk(start: list) -> None:
        queue = list(start)
        while queue:
            nxt = []
            for n in queue:
                for p, o in out.get(n, ()):
                    if not isinstance(o, ox.Literal) and p.value != RDF_TYPE and o in out and o not in home:
                        home[o] = (n, "out", p)
                        nxt.append(o)
            queue = nxt

    walk([root])
    first = []
    for s, p in inc.get(root, ()):
        if s not in home:
            home[s] = (root, "rev", p)
            first.append(s)
    walk(first)
    changed = True
    while changed:
        changed = False
        for s in out:
            if s in home:
                continue
            anchors = [(p, o) for p, o in out[s] if not isinstance(o, ox.Literal) and o in home and p.value != RDF_TYPE]
            anchors.sort(key=lambda po: is_leaf(po[1]))
            if anchors:
                p, o = anchors[0]
                home[s] = (o, "rev", p)
                walk([s])
                changed = True
    # subjects that point at nothing reached (none when the triples describe the root)
    # are listed beside it
    stray = [s for s in out if s not in home]

    def copied(n) -> bool:
        return any(p.value == RDF_TYPE and o.value in COPIED_TYPES for p, o in out.get(n, ()))

    def build(n, skip=None, brief: bool = False, copy: bool = False) -> dict:
        obj = _Obj(_node_id(n))
        for p, o in out.get(n, ()):
            if skip is not None and (p, o) == skip:
                continue
            if brief:
                if isinstance(o, ox.Literal) or p.value == RDF_TYPE:
                    _put(obj, p.value, o, None)
                continue
            nested = None
            if not isinstance(o, ox.Literal) and o in out and p.value != RDF_TYPE:
                if copy:
                    nested = build(o, copy=True) if copied(o) else build(o, brief=True)
                elif home.get(o) == (n, "out", p):
                    nested = build(o)
                elif copied(o):
                    # a passage: the same small tree wherever it is cited
                    nested = build(o, copy=True)
                else:
                    # written out in full elsewhere: here its names and classes only
                    nested = build(o, brief=True)
            _put(obj, p.value, o, nested)
        for s, p in inc.get(n, ()) if not (brief or copy) else ():
            if home.get(s) == (n, "rev", p):
                child = build(s, skip=(p, n))
                term = TERMS.reverse.get(p.value)
                if term:
                    obj.add(term[0], child, True)
                else:
                    obj.reverse_plain.setdefault(TERMS.fallback_key(p.value), []).append(child)
        return obj.finish()

    doc = build(root)
    result = {"@context": CONTEXT, **doc}
    if stray:
        # keep every statement: stray subjects become a second tree in a @graph
        result = {"@context": CONTEXT, "@graph": [doc] + [build(s) for s in stray]}
    return result


def graph_document(quads_by_graph: dict, context_url: str | None = None) -> dict:
    """Named graphs as {"@graph": [{"id": graph, "@graph": [node objects]}]} (no nesting)."""
    graphs = []
    for g, triples in quads_by_graph.items():
        by_subject: dict = OrderedDict()
        for s, p, o in triples:
            by_subject.setdefault(s, []).append((p, o))
        nodes = []
        for s, pos in by_subject.items():
            obj = _Obj(_node_id(s))
            for p, o in pos:
                _put(obj, p.value, o, None)
            nodes.append(obj.finish())
        if g is None:
            graphs.extend(nodes)
        else:
            graphs.append({"id": _node_id(g), "@graph": nodes})
    return {"@context": context_url or CONTEXT, "@graph": graphs}


def dataset_document(quads) -> dict:
    """Quads (named graphs only) as one JSON-LD document: a graph object per named graph."""
    by_graph: dict = {}
    for q in sorted(quads, key=str):
        by_graph.setdefault(q.graph_name, []).append((q.subject, q.predicate, q.object))
    return graph_document(by_graph)


def dumps(doc: dict, pretty: bool = True) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1 if pretty else None).encode("utf-8")
