"""Quality gates: SHACL (pyshacl-turbo) on the data, OWL consistency (owlready2 + HermiT).

Both return a :class:`ValidationReport` a person can read; neither raises on a
non-conforming graph, so the caller decides whether to refuse it.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .namespaces import OA
from .native_constraints import NotNative, StoreReader
from .native_constraints import evaluation as native_evaluation

SH = "http://www.w3.org/ns/shacl#"

log = logging.getLogger("kg.validate")

#: The shape whose results are the figures and dates a document states that no fact takes
#: (shapes/kg-shapes.ttl): the report lists every one of them with its passage, not the first 50.
UNATTACHED_SHAPE = "kgsh:UnattachedShape"


@dataclass
class Finding:
    severity: str  # Violation | Warning | Info
    shape: str
    focus: str
    focus_label: str
    path: str
    message: str
    passage: str = ""


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    report_graph: Graph | None = None
    seconds: float = 0.0
    reasoner: str = ""  # outcome of the OWL check, if run

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def unattached(self) -> list[Finding]:
        """Figures and dates no fact takes: one finding per passage that states one."""
        return [f for f in self.findings if f.shape == UNATTACHED_SHAPE]

    def unattached_summary(self) -> str:
        found = self.unattached
        return f"{len({f.focus for f in found})} unattached figure(s)/date(s) in {len(found)} passage(s)"

    def text(self) -> str:
        lines = []
        for severity in ("Violation", "Warning", "Info"):
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            lines.append(f"{severity}s: {len(group)}")
            by_shape: dict[str, list[Finding]] = {}
            for f in group:
                by_shape.setdefault(f.shape, []).append(f)
            for shape, fs in sorted(by_shape.items()):
                lines.append(f"  {shape} ({len(fs)})")
                shown = fs if shape == UNATTACHED_SHAPE else fs[:50]
                for f in shown:
                    who = f"{f.focus_label} <{f.focus}>" if f.focus_label else f"<{f.focus}>"
                    lines.append(f"    - {who}: {f.message}" + (f" [path {f.path}]" if f.path else ""))
                    if f.passage:
                        lines.append(f"      passage: {f.passage!r}")
                if len(fs) > len(shown):
                    lines.append(f"    … and {len(fs) - len(shown)} more")
        lines.append(f"Figures and dates no fact takes: {self.unattached_summary()}"
                     + (f", listed under {UNATTACHED_SHAPE}" if self.unattached else ""))
        if self.reasoner:
            lines.append(f"OWL reasoner: {self.reasoner}")
        lines.append(("conforms" if self.conforms else "does NOT conform") + f" ({self.seconds:.1f} s)")
        return "\n".join(lines)


def load_shapes(shapes_dir: Path) -> Graph:
    g = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _short(g: Graph, term) -> str:
    try:
        return g.namespace_manager.normalizeUri(term)
    except Exception:
        return str(term)


def _path_text(report: "_Report", names: Graph, path) -> str:
    """A SHACL property path (an Oxigraph term of ``report``) as SPARQL writes it
    ("^kg:audience", "(a|b)", "a/b*"): a path that is a blank node otherwise shows its
    label, which differs in every process."""
    import pyoxigraph as ox

    if not isinstance(path, ox.BlankNode):
        return _short(names, _rdflib_term(path))
    for key, (before, after) in (("inversePath", ("^", "")), ("zeroOrMorePath", ("", "*")),
                                 ("oneOrMorePath", ("", "+")), ("zeroOrOnePath", ("", "?"))):
        inner = report.value(path, SH + key)
        if inner is not None:
            text = _path_text(report, names, inner)
            return before + (f"({text})" if after and isinstance(inner, ox.BlankNode) else text) + after
    alternatives = report.value(path, SH + "alternativePath")
    if alternatives is not None:
        return "(" + "|".join(_path_text(report, names, p) for p in report.items(alternatives)) + ")"
    if report.value(path, str(RDF.first)) is not None:
        return "/".join(_path_text(report, names, p) for p in report.items(path))
    return "(a path)"


# -- reading the data being validated: an Oxigraph store (every quad of it) -------------

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def _values(store, node: str, predicate: str) -> list:
    import pyoxigraph as ox

    return [q.object for q in store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(predicate), None)]


def _label(store, node: str) -> str:
    if not node.startswith(("http:", "https:", "urn:")):
        return ""
    for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
        labels = sorted({(getattr(o, "language", None) or "", o.value) for o in _values(store, node, str(p))
                         if hasattr(o, "language")})
        if labels:
            en = [v for lang, v in labels if lang == "en"]
            return (en or [v for _, v in labels])[0]
    return ""


def _passage(store, node: str) -> str:
    if not node.startswith(("http:", "https:", "urn:")):
        return ""
    for sel in sorted(_values(store, node, str(OA.hasSelector)), key=str):
        if hasattr(sel, "language"):
            continue
        for exact in _values(store, sel.value, str(OA.exact)):
            return exact.value
    return ""


def class_hierarchy(ontology: Graph | None) -> bytes:
    """The ontology's named subclass axioms (N-Triples), which sh:targetClass follows: added
    to the data validated. (Passing the whole ontology to the validator as ont_graph
    costs ~30 s; this costs nothing.)"""
    if ontology is None:
        return b""
    g = Graph()
    for t in ontology.triples((None, RDFS.subClassOf, None)):
        if isinstance(t[0], URIRef) and isinstance(t[2], URIRef):
            g.add(t)
    return g.serialize(format="nt", encoding="utf-8")


def store_of(ntriples: bytes, hierarchy: bytes = b""):
    """An in-memory Oxigraph store holding ``ntriples`` (and a class hierarchy)."""
    import pyoxigraph as ox

    store = ox.Store()
    if ntriples:
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    if hierarchy:
        store.bulk_load(hierarchy, format=ox.RdfFormat.N_TRIPLES)
    return store


def neighbourhood(store, nodes: set[str], within: str, pruned: tuple[str, ...] = (),
                  leave_out: tuple[str, ...] = (), next_to: bool | str = True) -> bytes:
    """What shapes read about ``nodes`` in a large store (its default graph), as N-Triples:
    their statements; the statements of the nodes next to them (linked either way, minted
    under ``within``, not under a ``pruned`` prefix — passages, documents: each document's own
    validation read those); and the types and literal values of every node those statements
    link to. Of the links to pruned nodes, one per node and predicate is kept (a node's
    passages: that it has one is what the union can tell). Predicates in ``leave_out`` (a
    document's full text) are left out. Validating
    ``nodes`` on this is validating them on the store, for shapes whose paths and queries go
    no further (this project's: its tests hold the union's findings to the whole union's).
    Without ``next_to``, the nodes next to them are left out: what the shapes that read no
    further than their focus node's own statements need (``far_reading_shapes``: the others).
    With ``next_to="forward"``, the nodes they link to are followed instead, as far as links
    go (minted, not pruned): what a query that reads only forward from its focus node needs
    (``forward_reading_shapes``: a place's chain of kg:locatedIn, at any depth).

    Read by SPARQL over batches of nodes, the statements serialised by the store itself: read
    statement by statement into Python, a large build's union took most of its time here."""
    import pyoxigraph as ox

    def iri_test(var: str, prefixes: tuple[str, ...]) -> str:
        return " || ".join(f'STRSTARTS(STR({var}), "{_sparql_string(p)}")' for p in prefixes) or "false"

    kept = " && ".join(f"?p != <{p}>" for p in leave_out) or "true"
    is_near = f'(isIRI(?x) && STRSTARTS(STR(?x), "{_sparql_string(within)}") && !({iri_test("?x", pruned)}))'
    is_pruned = f'(isIRI(?o) && ({iri_test("?o", pruned)}))'
    # the nodes next to ``nodes``
    level1: set[str] = set()
    for values in _values_blocks(nodes if next_to is True else ()):
        query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {values} }} "
                 f"{{ ?n ?p ?x FILTER(?p != <{_RDF_TYPE}> && {kept}) }} UNION {{ ?x ?q ?n }} FILTER{is_near} }}")
        level1.update(row["x"].value for row in store.query(query))
    subjects = set(nodes) | level1
    frontier = set(nodes) if next_to == "forward" else set()
    while frontier:  # (the nodes they link to, and those these link to …)
        reached: set[str] = set()
        for values in _values_blocks(frontier):
            query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {values} }} "
                     f"?n ?p ?x FILTER(?p != <{_RDF_TYPE}> && {kept} && {is_near}) }}")
            reached.update(row["x"].value for row in store.query(query))
        frontier = reached - subjects
        subjects |= frontier
    out = ox.Store()
    for values in _values_blocks(subjects):
        out.bulk_load(store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o FILTER({kept} && !{is_pruned}) }}"
        ).serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
        out.bulk_load(store.query(
            f"CONSTRUCT {{ ?s ?p ?one }} WHERE {{ {{ SELECT ?s ?p (SAMPLE(?o) AS ?one) WHERE {{ "
            f"VALUES ?s {{ {values} }} ?s ?p ?o FILTER({kept} && {is_pruned}) }} GROUP BY ?s ?p }} }}"
        ).serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    linked = {row["o"].value for row in out.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }")}
    for values in _values_blocks(linked - subjects):
        out.bulk_load(store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
            f"FILTER((?p = <{_RDF_TYPE}> || isLiteral(?o)) && {kept}) }}"
        ).serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    return out.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


# -- which shapes read no further than a node's own statements ------------------------
#
# Validating the nodes several documents describe needs the union around them; how far
# around depends on the shape. Every shape is still validated on every such node: which
# constraints two documents can break together is any that reads what both say of it —
# counts (sh:maxCount: two beginnings), sh:uniqueLang, sh:disjoint, sh:lessThan, a value's
# sh:class when another document types it, sh:minCount that one lacks and the other
# supplies (the union clears it), SHACL-SPARQL queries reading the node's neighbours (a
# closure stated by one document of an office opened in another) — and the report's
# findings on these nodes are the union's alone (kg.validate.combine), so none is left to
# the documents. What changes is what each is validated on:
# - A shape that reads only the focus node's own statements along single predicates, and of
#   each value only its term and its types (``_NODE_LOCAL``, ``_VALUE_LOCAL``: targets by
#   class, node or subject; counts, value tests, sh:class, logical combinations of such
#   shapes), gives the same results on ``neighbourhood(..., next_to=False)`` — the node's
#   statements in the union (its links to passages and documents sampled as in the whole
#   neighbourhood) and the types and literal values of every node they link to — as on the
#   whole neighbourhood: nothing else of it is read. These are most shapes, and cheap.
# - The others (a SHACL-SPARQL query, an inverse, sequence or repeated path, a shape applied
#   to a value that reads the value's statements, a target by the objects of a predicate)
#   read the nodes next to it, and are validated only on the nodes they target (a node's
#   targets are its types and own statements: known from the first). Of these, a shape
#   whose only reach beyond the node is SPARQL queries that read forward from $this
#   (``_reads_forward``: every pattern's subject reached from $this, no inverse path — a
#   place's kg:locatedIn chain) gets the statements of every node reachable from it by
#   links, at any depth: what such a query can read. The rest get the whole neighbourhood.
# Around a node hundreds of documents name (a country, a large organisation, a year) the
# nodes that link to it are most of the union; of the shapes that read them, none targets
# a place, the largest such hubs (at 1,000 documents their neighbourhood was 3/4 of the
# union's validation data).

#: What a shape may state and still read no more than the focus node's own statements
#: (with the shapes it applies to the focus node, the property shapes it has, and the value
#: shapes those apply to each value).
_NODE_LOCAL = {SH + p for p in (
    "targetClass", "targetNode", "targetSubjectsOf", "property", "and", "or", "xone", "not", "node",
    "closed", "ignoredProperties", "severity", "message", "deactivated", "name", "description", "order",
    "group", "class", "datatype", "nodeKind", "in", "pattern", "flags", "minLength", "maxLength",
    "languageIn", "uniqueLang", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "hasValue",
    "minCount", "maxCount", "equals", "disjoint", "lessThan", "lessThanOrEquals", "path",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint")} | {
    str(RDF.type), str(RDFS.label), str(RDFS.comment), str(RDF.first), str(RDF.rest)}
#: What a shape applied to a value may state: tests of the value's kind and term only.
_VALUE_LOCAL = {SH + p for p in (
    "and", "or", "xone", "not", "node", "severity", "message", "deactivated", "name", "description",
    "class", "datatype", "nodeKind", "in", "pattern", "flags", "minLength", "maxLength", "languageIn",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "hasValue")} | {
    str(RDF.type), str(RDFS.label), str(RDFS.comment)}
_NESTING = {SH + p for p in ("and", "or", "xone")}


_split: dict[int, tuple] = {}  # id(shapes) -> (it, its near, forward and far shapes graphs)


def split_shapes(shapes: Graph, forward: frozenset[str] | None = None) -> tuple[Graph, Graph, Graph]:
    """The shapes as three shapes graphs: those that read no further than their focus node's
    own statements; those that read further only forward from it (``forward_reading_shapes``,
    or ``forward``: their IRIs, as it gave them before); the others — each the whole graph
    with the others' targets taken out (a shape without a target validates nothing unless
    another applies it). Made once per shapes graph."""
    entry = _split.get(id(shapes))
    if entry is None or entry[0] is not shapes or forward is not None and entry[1] != forward:
        targeted = targeted_shapes(shapes)
        far = far_reading_shapes(shapes)
        reads_forward = {s for s in far if str(s) in forward} if forward is not None else forward_reading_shapes(shapes)
        entry = (shapes, frozenset(map(str, reads_forward)), _without_targets(shapes, far),
                 _without_targets(shapes, targeted - reads_forward), _without_targets(shapes, targeted - (far - reads_forward)))
        _split[id(shapes)] = entry
    return entry[2], entry[3], entry[4]


_TARGETS = {SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}


def _without_targets(shapes: Graph, drop: set) -> Graph:
    g = Graph()
    g.namespace_manager = shapes.namespace_manager
    for t in shapes:
        if t[0] in drop and (str(t[1]) in _TARGETS or t[1] == RDF.type and t[2] in (RDFS.Class, OWL.Class)):
            continue
        g.add(t)
    return g


def forward_reading_shapes(shapes: Graph) -> set:
    """Of ``far_reading_shapes``, those that read beyond their node only through the
    SHACL-SPARQL queries of theirs that read forward from it (``_reads_forward``): for them,
    what the node links to, followed, is enough — never what links to it, which around a
    node many documents name is most of the union."""
    out = set()
    for shape in far_reading_shapes(shapes):
        rest = [(p, o) for p, o in shapes.predicate_objects(shape) if p != URIRef(SH + "sparql")]
        if any(str(p) not in _NODE_LOCAL or p in (URIRef(SH + "property"), URIRef(SH + "node"), URIRef(SH + "not"))
               or str(p) in _NESTING for p, _ in rest):
            continue  # (only a node shape's own targets and tests beside its queries)
        constraints = list(shapes.objects(shape, URIRef(SH + "sparql")))
        if constraints and all(_reads_forward(_prefix_block(shapes, c) + "\n" + str(shapes.value(c, URIRef(SH + "select"))))
                               for c in constraints):
            out.add(shape)
    return out


def _reads_forward(select: str) -> bool:
    """Whether a SHACL-SPARQL ``select`` reads only forward from $this: each of its triple
    patterns (in OPTIONAL, EXISTS, NOT EXISTS, UNION alike) has for subject $this or a
    variable an earlier pattern reaches from $this as an object, and follows its predicates
    forward (no inverse path); no GRAPH, SERVICE or subquery. What such a query reads of
    the union is the statements of the nodes reachable from $this."""
    from rdflib import Variable
    from rdflib.paths import AlternativePath, MulPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(select.replace("$this", "?this")).algebra
    except Exception:
        return False
    triples: list = []
    subqueries = 0

    def walk(node) -> bool:
        nonlocal subqueries
        if isinstance(node, CompValue):
            if node.name in ("Graph", "ServiceGraphPattern", "GraphGraphPattern"):
                return False
            if node.name in ("SelectQuery", "SubSelect", "ToMultiSet"):
                subqueries += 1
            if node.name in ("BGP", "TriplesBlock") and node.get("triples"):
                triples.extend(node["triples"])
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(v) for v in node)
        return True

    def forward(path) -> bool:
        if isinstance(path, URIRef):
            return True
        if isinstance(path, (SequencePath, AlternativePath)):
            return all(forward(p) for p in path.args)
        if isinstance(path, MulPath):
            return forward(path.path)
        return False  # an inverse or negated path

    if not walk(algebra) or subqueries > 1:  # (the query itself is one SelectQuery)
        return False
    reached = {Variable("this")}
    pending = list(triples)
    while pending:
        ready = [t for t in pending if t[0] in reached]
        if not ready:
            return False  # a pattern whose subject is not reached from $this
        for s, p, o in ready:
            if not forward(p):
                return False
            if isinstance(o, Variable):
                reached.add(o)
        pending = [t for t in pending if t not in ready]
    return True


def far_reading_shapes(shapes: Graph) -> set:
    """The shapes (with a target) that read beyond their focus node's own statements and
    the kinds of its values (see above): validating them needs the nodes next to it."""
    return {shape for shape in targeted_shapes(shapes)
            if not _reads_node_only(shapes, shape, at_value=False, seen=set())}


def targeted_shapes(shapes: Graph) -> set:
    """The shapes validation starts from: those with a target (or that are classes too)."""
    targets = [URIRef(SH + t) for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")]
    out = {s for t in targets for s in shapes.subjects(t, None)}
    for cls in (RDFS.Class, OWL.Class):
        out.update(s for s in shapes.subjects(RDF.type, cls) if (s, RDF.type, URIRef(SH + "NodeShape")) in shapes)
    return out


def _members(shapes: Graph, node) -> list:
    return list(shapes.items(node))


def _reads_node_only(shapes: Graph, shape, at_value: bool, seen: set) -> bool:
    """Whether ``shape``, applied to a node (``at_value``: to a value of the focus node's),
    reads no more than that node's own statements (a value: no more than its kind)."""
    if shape in seen:
        return False  # (a recursive shape reads as deep as the data: far)
    seen = seen | {shape}
    allowed = _VALUE_LOCAL if at_value else _NODE_LOCAL
    path = shapes.value(shape, URIRef(SH + "path"))
    if path is not None and not isinstance(path, URIRef):
        return False  # an inverse, sequence, alternative or repeated path
    for p, o in shapes.predicate_objects(shape):
        p = str(p)
        if p not in allowed:
            return False
        if p in _NESTING:
            inner = all(_reads_node_only(shapes, m, at_value, seen) for m in _members(shapes, o))
        elif p in (SH + "not", SH + "node"):
            inner = _reads_node_only(shapes, o, at_value, seen)
        elif p == SH + "property":
            inner = not at_value and _reads_node_only(shapes, o, False, seen) and (
                shapes.value(o, URIRef(SH + "path")) is not None)
        elif p == SH + "qualifiedValueShape":
            inner = _reads_node_only(shapes, o, True, seen)
        else:
            continue
        if not inner:
            return False
    if path is not None and not at_value:
        # a property shape's own value tests (sh:class …) apply to each value: their kind only
        for p in (SH + "node", SH + "not", SH + "and", SH + "or", SH + "xone"):
            for o in shapes.objects(shape, URIRef(p)):
                nested = _members(shapes, o) if p in _NESTING else [o]
                if not all(_reads_node_only(shapes, m, True, seen) for m in nested):
                    return False
    return True


def validate_around(store, nodes: set[str], shapes: Graph, hierarchy: bytes, within: str,
                    pruned: tuple[str, ...] = (), leave_out: tuple[str, ...] = (),
                    forward: frozenset[str] | None = None) -> ValidationReport:
    """``nodes`` validated on what a large store (its default graph, the union of documents'
    graphs) says around them (``neighbourhood``; ``within``, ``pruned``, ``leave_out`` as
    there): by the shapes that read no further than a node's own statements, on those
    statements; by the others (``far_reading_shapes``), on the nodes next to it too — read
    only around the nodes those shapes target. Around a node hundreds of documents name (a
    country, a large organisation) the nodes next to it are most of the union: the shapes
    that need them rarely target such a node. The findings are those of every shape on
    the whole neighbourhood (tests/test_validate_union.py). ``forward``: as ``split_shapes``."""
    near, forward_shapes, far = split_shapes(shapes, forward)
    own = store_of(neighbourhood(store, nodes, within, pruned, leave_out, next_to=False), hierarchy)
    report = validate_store(own, near, focus=nodes)
    for shapes_, next_to in ((forward_shapes, "forward"), (far, True)):
        targets = targeted_shapes(shapes_)
        if any(shapes_.value(shape, URIRef(SH + "targetObjectsOf")) is not None for shape in targets):
            focus = set(nodes)  # (what links to a node is not among its own statements)
        else:
            # (a node's targets are its types and its own statements: all in ``own``)
            focus = {n for shape in targets for n in focus_nodes_of(own, shapes_, shape, nodes)}
        if focus:
            more = validate_store(store_of(neighbourhood(store, focus, within, pruned, leave_out, next_to=next_to),
                                           hierarchy), shapes_, focus=focus)
            report.findings = sorted(report.findings + more.findings,
                                     key=_finding_order)
            report.conforms = report.conforms and more.conforms
            report.seconds += more.seconds
    return report


def _sparql_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _values_blocks(nodes, size: int = 2000):
    """``nodes`` (IRIs) as the bodies of SPARQL VALUES blocks of ``size`` nodes."""
    ordered = sorted(nodes)
    for i in range(0, len(ordered), size):
        yield " ".join(f"<{n}>" for n in ordered[i:i + size])


def _without_sparql(shapes: Graph) -> Graph:
    g = Graph()
    g.namespace_manager = shapes.namespace_manager
    for t in shapes:
        if t[1] != URIRef(SH + "sparql"):
            g.add(t)
    return g


#: Threads validating one graph: the core constraints take one, the SPARQL constraints share
#: the others (the longest, on a long document, takes as long as the core constraints).
_THREADS = 3
#: ... on a store of at least this many quads. On a small one (a news release's graph, ~1,000)
#: the threads' hand-offs cost more than the overlap gains: validated in the calling thread,
#: the documents of both corpora took the same time and 20 % less CPU (25-27 against 32-35 ms
#: a document); on the 1 MB document's (~300,000) three threads took 25 % less time.
_THREADED_FROM = 10_000


def compiled_core_shapes(shapes: Graph):
    """The shapes' core constraints compiled once per shapes graph (pyshacl-turbo), reused
    for every graph validated against them: per document, a build validates thousands."""
    return _shapes_index(shapes).core


def shacl_validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph (``kg validate``): see :func:`validate_store`."""
    return validate_store(store_of(data.serialize(format="nt", encoding="utf-8"), class_hierarchy(ontology)),
                          shapes, keep_report=True, namespaces=data)


def validate_store(store, shapes: Graph, focus: set[str] | None = None, keep_report: bool = False,
                   namespaces: Graph | None = None) -> ValidationReport:
    """SHACL over every quad of an Oxigraph ``store`` (which holds the class hierarchy):
    core constraints through pyshacl-turbo (pySHACL's semantics and reports, in Rust: the
    same results as pyshacl on this project's shapes, 10× faster), SHACL-SPARQL
    constraints through Oxigraph (see below). With ``focus``, only those focus nodes are
    validated (IRIs). Both engines let go of the GIL while they work: on a large store the
    core constraints and each SPARQL constraint are evaluated in threads, side by side. ``keep_report``: the
    report as an rdflib graph too (``kg validate --report``)."""
    t0 = time.perf_counter()
    focus_nodes = sorted(URIRef(f) for f in focus) if focus is not None else None

    def core() -> str:
        return core_report(compiled_core_shapes(shapes), store, focus_nodes) if focus_nodes != [] else ""

    if len(store) >= _THREADED_FROM:
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            core_done = pool.submit(core)
            sparql = sparql_constraint_results(store, shapes, focus, pool)
            core_text = core_done.result()
    else:
        core_text, sparql = core(), sparql_constraint_results(store, shapes, focus)
    report = _Report(core_text)
    names = namespaces if namespaces is not None else shapes
    findings = [
        Finding(
            severity=severity,
            shape=_short(shapes, _rdflib_term(shape)) if shape is not None else "",
            focus=focus_node,
            focus_label=_label(store, focus_node),
            path=_path_text(report, names, path) if path is not None else "",
            message=" ".join(messages) or "(no message)",
            passage=_passage(store, focus_node),
        )
        for severity, focus_node, shape, path, messages in report.results()
    ]
    findings.extend(r.finding for r in sparql)
    findings.sort(key=_finding_order)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(
        conforms=conforms,
        findings=findings,
        report_graph=_report_graph(core_text, sparql, conforms, shapes) if keep_report else None,
        seconds=time.perf_counter() - t0,
    )


def _finding_order(f: Finding) -> tuple:
    return f.severity, f.shape, f.focus, f.message, f.path


def core_report(compiled, store, focus_nodes: list | None = None, native: bool = True) -> str:
    """The report of the core constraints (``compiled``: see ``compiled_core_shapes``) on an
    Oxigraph ``store``, as N-Triples.

    pyshacl-turbo's engine writes its report as N-Triples, which its public ``validate``
    decodes into an rdflib graph with rdflib's N-Triples parser, in Python: on a small
    document that took half again as long as the validation itself (the report lists every
    warning). The text is what the findings are read from, so ``native`` takes it from the
    engine directly — a private call of pyshacl-turbo, made as its ``CompiledShapes.validate``
    makes it for a store (the version is pinned below 0.7; ``tests/test_shapes.py`` holds
    its report to the public call's, as graphs, on every fixture and on both corpora) — and
    when that call is not there as expected, the public call's graph is written as N-Triples."""
    if native:
        call = _native_core_call(compiled)
        text = call(store, focus_nodes) if call is not None else None
        if text is not None:
            return text
        global _fallback_told
        if not _fallback_told:
            _fallback_told = True
            log.warning("this pyshacl-turbo has no engine call as expected: its reports are decoded by rdflib (slower)")
    _, graph, _ = compiled.validate(store, inference="none", allow_warnings=True, focus_nodes=focus_nodes)
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


@lru_cache(maxsize=8)  # (one per compiled shapes: a build validates thousands of graphs against one)
def _native_core_call(compiled):
    import pyshacl_turbo

    engine = getattr(compiled, "_native", None)
    read = getattr(pyshacl_turbo, "_input", None)
    names = getattr(pyshacl_turbo, "_expand_names", None)
    warn = getattr(pyshacl_turbo, "_emit_recursion_warnings", None)
    if engine is None or read is None or names is None or warn is None:
        return None

    def call(store, focus_nodes) -> str | None:
        """The report, or None when the engine takes or gives other things than expected."""
        data = read(store, None, direct=True)
        try:
            # (data, format, base, iterate_rules, max_rule_iterations, max_validation_depth, inplace,
            #  allow_infos, allow_warnings, abort_on_first, focus_nodes, use_shapes, namespaces)
            conforms, report, text, expanded, recursion_warnings = engine.validate(
                data.source, data.format, data.base, False, 100, 15, False, False, True, False,
                names(data.namespaces or dict(compiled.graph.namespaces()), focus_nodes), names(compiled.graph, None),
                [(p, str(ns)) for p, ns in data.namespaces.items()])
        except (TypeError, ValueError):  # (another signature; a fault of the data the public call tells too)
            return None
        warn(recursion_warnings)
        return report if isinstance(report, str) else None

    return call


_fallback_told = False  # (the log tells it once a process)


class _Report:
    """A SHACL validation report (N-Triples) read with Oxigraph's parser, for its results."""

    def __init__(self, ntriples: str):
        import pyoxigraph as ox

        self._about: dict = {}
        self._results = []
        result = ox.NamedNode(SH + "ValidationResult")
        for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES) if ntriples else ():
            self._about.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
            if t.predicate.value == _RDF_TYPE and t.object == result:
                self._results.append(t.subject)

    def value(self, node, predicate: str):
        values = self._about.get(node, {}).get(predicate)
        return values[0] if values else None

    def items(self, head) -> list:
        """The members of an RDF list."""
        found, seen = [], set()
        while head is not None and head.value != str(RDF.nil) and head not in seen:
            seen.add(head)
            first = self.value(head, str(RDF.first))
            if first is not None:
                found.append(first)
            head = self.value(head, str(RDF.rest))
        return found

    def results(self):
        """(severity, focus node, source shape, result path, messages) of each result."""
        for r in self._results:
            about = self._about[r]
            severity = self.value(r, SH + "resultSeverity")
            focus = self.value(r, SH + "focusNode")
            yield (severity.value.rsplit("#", 1)[-1] if severity is not None else "None",
                   focus.value if focus is not None else "None",
                   self.value(r, SH + "sourceShape"), self.value(r, SH + "resultPath"),
                   [m.value for m in about.get(SH + "resultMessage", ())])


def _rdflib_term(node):
    """A shape or a path step of a report (an IRI or a blank node) as rdflib names it."""
    import pyoxigraph as ox

    return BNode(node.value) if isinstance(node, ox.BlankNode) else URIRef(node.value)


def _report_graph(core_text: str, sparql: list, conforms: bool, shapes: Graph) -> Graph:
    """The whole report as an rdflib graph: the core constraints' and the SPARQL ones' results."""
    report = Graph()
    for prefix, namespace in shapes.namespaces():
        report.bind(prefix, namespace)
    if core_text:
        report.parse(data=core_text, format="nt")
    if next(report.subjects(RDF.type, URIRef(SH + "ValidationReport")), None) is None:
        report.add((BNode(), RDF.type, URIRef(SH + "ValidationReport")))
    _add_sparql_results(report, sparql)
    report.set((next(report.subjects(RDF.type, URIRef(SH + "ValidationReport"))), URIRef(SH + "conforms"),
                Literal(conforms)))
    return report


def _disagreement(f: Finding) -> Finding:
    return Finding("Warning", f.shape, f.focus, f.focus_label, f.path,
                   "Documents disagree (each is consistent on its own): " + f.message, f.passage)


def disagreements_as_warnings(report: ValidationReport, documents: list[Graph], shapes: Graph,
                              ontology: Graph | None = None) -> ValidationReport:
    """Tell a document's own error from documents disagreeing.

    A violation of the union that no single document's graph commits (an office whose
    documents give two different beginnings) is a disagreement between documents: each
    document's claims stand in its own graph, so it is reported as a warning naming the
    disagreement, never a reason to refuse a document. A violation some document commits
    on its own stays a violation."""
    wanted = {(f.shape, f.focus) for f in report.violations}
    if not wanted:
        return report
    own: set[tuple[str, str]] = set()
    for g in documents:
        focus = {str(n) for n in set(g.subjects()) | set(g.objects())}
        if not any(f in focus for _, f in wanted):
            continue
        for f in shacl_validate(g, shapes, ontology).violations:
            own.add((f.shape, f.focus))
    return combine(report, own)


def combine(union: ValidationReport, own: set[tuple[str, str]], decided_alone: list[Finding] = ()) -> ValidationReport:
    """The build's report: the union's findings, each violation no document commits on its
    own (``own``: (shape, focus) pairs) made a warning of disagreement (see
    ``disagreements_as_warnings``); plus ``decided_alone``, the findings on nodes only one
    document describes, which that document's own validation decides."""
    findings = [_disagreement(f) if f.severity == "Violation" and (f.shape, f.focus) not in own else f
                for f in union.findings]
    findings.extend(decided_alone)
    findings.sort(key=_finding_order)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms, findings, union.report_graph, union.seconds, union.reasoner)


# -- SHACL-SPARQL on Oxigraph -------------------------------------------------------
#
# pyshacl runs each sh:select once per focus node in rdflib's SPARQL evaluator: ~90 s
# for this corpus. The same constraint evaluated once with $this left unbound, in
# Oxigraph, and restricted to the shape's focus nodes gives the same results (SHACL
# 1.0 §5.3.1: $this is pre-bound to each focus node) in milliseconds.

def _prefix_block(shapes: Graph, constraint) -> str:
    lines = []
    for decl in shapes.objects(None, URIRef(SH + "declare")):
        prefix = shapes.value(decl, URIRef(SH + "prefix"))
        ns = shapes.value(decl, URIRef(SH + "namespace"))
        if prefix is not None and ns is not None:
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


@dataclass(frozen=True)
class _Targets:
    """A shape's targets as queries on the data (its instances — of subclasses too —, the
    subjects or objects of a property) and the nodes it names."""

    queries: tuple[str, ...]
    nodes: frozenset[str]


@dataclass(frozen=True)
class _SparqlConstraint:
    """A shape's SHACL-SPARQL constraint, as the shapes state it, read once."""

    shape: URIRef
    constraint: object
    name: str  # the shape's short name (kg:…)
    targets: _Targets
    select: str  # as stated ($this)
    query: str  # what Oxigraph runs: the prefixes declared, $this left unbound (?this)
    severity_node: object  # sh:Violation …
    severity: str
    template: str  # the message, {?var} / {$var} filled from each result


class _ShapesIndex:
    """What validation makes of a shapes graph, made once per shapes graph: a build validates
    thousands of documents against one (reading its SHACL-SPARQL constraints again for each
    was a tenth of a small document's validation). ``core``: the core constraints compiled
    (pyshacl-turbo); ``constraints``: the SHACL-SPARQL ones, read."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self._targets: dict = {}
        self.constraints = [self._constraint(shape, c) for shape, c in shapes.subject_objects(URIRef(SH + "sparql"))
                            if shapes.value(shape, URIRef(SH + "deactivated")) != Literal(True)]

    @cached_property
    def core(self):
        import pyshacl_turbo

        return pyshacl_turbo.CompiledShapes(_without_sparql(self.shapes), advanced=True)

    def targets(self, shape) -> _Targets:
        found = self._targets.get(shape)
        if found is None:
            s, objects = self.shapes, self.shapes.objects
            queries = [f"SELECT DISTINCT ?n WHERE {{ ?n <{_RDF_TYPE}>/<{_SUBCLASS}>* <{cls}> }}"
                       for cls in objects(shape, URIRef(SH + "targetClass"))]
            queries += [f"SELECT DISTINCT ?n WHERE {{ ?n <{p}> ?o }}" for p in objects(shape, URIRef(SH + "targetSubjectsOf"))]
            queries += [f"SELECT DISTINCT ?n WHERE {{ ?s <{p}> ?n }}" for p in objects(shape, URIRef(SH + "targetObjectsOf"))]
            found = self._targets[shape] = _Targets(tuple(queries), frozenset(
                str(n) for n in s.objects(shape, URIRef(SH + "targetNode"))))
        return found

    def _constraint(self, shape, constraint) -> _SparqlConstraint:
        sh = lambda local: URIRef(SH + local)  # noqa: E731
        s = self.shapes
        severity_node = s.value(constraint, sh("severity")) or s.value(shape, sh("severity")) or sh("Violation")
        select = str(s.value(constraint, sh("select")))
        return _SparqlConstraint(
            shape=shape, constraint=constraint, name=_short(s, shape), targets=self.targets(shape), select=select,
            query=_prefix_block(s, constraint) + "\n" + select.replace("$this", "?this"),
            severity_node=severity_node, severity=str(severity_node).rsplit("#", 1)[-1],
            template=str(s.value(constraint, sh("message")) or s.value(shape, sh("message")) or ""))


_indexes: dict[int, _ShapesIndex] = {}  # id(shapes graph) -> its index


def _shapes_index(shapes: Graph) -> _ShapesIndex:
    index = _indexes.get(id(shapes))
    if index is None or index.shapes is not shapes:
        index = _indexes[id(shapes)] = _ShapesIndex(shapes)
    return index


def focus_nodes_of(store, shapes: Graph, shape, only: set[str] | None = None) -> set[str]:
    """The shape's focus nodes in the store (instances of a target class or of its
    subclasses, target nodes, subjects and objects of target properties); with ``only``,
    those of them in ``only``. (A store validated with ``only`` is the neighbourhood of those
    nodes, kg.validate.neighbourhood: a query per target over it costs less than looking at
    each node for each shape — thousands of shared nodes times the shapes, in a large build.)"""
    return _focus_nodes(store, _shapes_index(shapes).targets(shape), only)


def _focus_nodes(store, targets: _Targets, only: set[str] | None) -> set[str]:
    nodes = set(targets.nodes)
    for query in targets.queries:
        nodes.update(_term_text(row["n"]) for row in store.query(query))
    return nodes if only is None else nodes & only


def _term_text(term) -> str:
    value = getattr(term, "value", None)
    return str(value if value is not None else term)


@dataclass
class _SparqlResult:
    finding: Finding
    shape: URIRef
    constraint: object
    severity: object  # sh:Violation …, as the shapes state it


def sparql_constraint_results(store, shapes: Graph, only: set[str] | None = None,
                              pool: Executor | None = None) -> list[_SparqlResult]:
    """The results of the shapes' SHACL-SPARQL constraints on ``store`` (with ``only``: on
    those focus nodes), each constraint evaluated in ``pool`` if given. A constraint with a
    Python evaluation bound to its query (kg.native_constraints) is evaluated by it, else by
    Oxigraph."""
    pending = []
    reader = StoreReader(store)  # (the Python evaluations' reads, shared)
    for c in _shapes_index(shapes).constraints:
        focus = _focus_nodes(store, c.targets, only)
        if not focus:
            continue
        solve = (lambda c=c, f=focus: _solutions(store, c, f, reader))
        pending.append((c, focus, pool.submit(solve) if pool is not None else solve))
    out = []
    for c, focus, solutions in pending:
        for row in (solutions.result() if pool is not None else solutions()):
            this = row["this"]
            if this is None or _term_text(this) not in focus:
                continue
            message = re.sub(
                r"\{[?$](\w+)\}",
                lambda m: _term_text(_safe_get(row, m.group(1)) or ""),
                c.template,
            )
            focus_iri = _term_text(this)
            out.append(_SparqlResult(
                Finding(severity=c.severity, shape=c.name, focus=focus_iri,
                        focus_label=_label(store, focus_iri), path="", message=message,
                        passage=_passage(store, focus_iri)),
                c.shape, c.constraint, c.severity_node))
    return out


def _solutions(store, c: _SparqlConstraint, focus: set[str], reader: StoreReader) -> list:
    evaluate = native_evaluation(str(c.constraint), c.select)
    if evaluate is not None:
        try:
            return list(evaluate(store, sorted(focus), reader))
        except NotNative:
            pass
    return list(store.query(c.query))


def _add_sparql_results(report: Graph, results: list[_SparqlResult]) -> None:
    """The results written into ``report``, as pySHACL writes them."""
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    report_node = next(report.subjects(RDF.type, sh("ValidationReport")))
    for r in results:
        result = BNode()
        report.add((report_node, sh("result"), result))
        report.add((result, RDF.type, sh("ValidationResult")))
        report.add((result, sh("focusNode"), URIRef(r.finding.focus)))
        report.add((result, sh("resultSeverity"), r.severity))
        report.add((result, sh("sourceShape"), r.shape))
        report.add((result, sh("sourceConstraint"), r.constraint))
        report.add((result, sh("sourceConstraintComponent"), sh("SPARQLConstraintComponent")))
        report.add((result, sh("resultMessage"), Literal(r.finding.message)))


def _safe_get(row, name):
    try:
        return row[name]
    except (KeyError, IndexError, TypeError):
        return None


class InconsistentGraph(Exception):
    def __init__(self, individuals: list[str], detail: str):
        self.individuals = individuals
        super().__init__(
            "the graph is logically inconsistent with the ontology"
            + (f"; individuals involved: {', '.join(individuals)}" if individuals else "")
            + (f"\n{detail}" if detail else "")
        )


class ReasonerFailed(Exception):
    """HermiT could not read or reason over the graph (not an inconsistency: a refusal)."""


#: Characters XML 1.0 cannot carry (HermiT refuses a literal holding one): the sources keep
#: them out (kg.sources.normalise); this keeps them out of the reasoner's copy whatever comes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _for_hermit(term):
    if isinstance(term, Literal) and _NOT_XML.search(str(term)):
        return Literal(_NOT_XML.sub("\ufffd", str(term)), lang=term.language, datatype=term.datatype)
    return term


def owl_check(data: Graph, ontology: Graph) -> tuple[float, int]:
    """Run HermiT over ontology + data; raise InconsistentGraph naming the individuals, or
    ReasonerFailed when HermiT cannot read the graph.

    Returns (seconds, number of individuals checked).
    """
    import owlready2

    t0 = time.perf_counter()
    merged = Graph()
    for t in ontology:
        merged.add(t)
    for s, p, o in data:
        merged.add((s, p, _for_hermit(o)))
    # owlready2 takes as individuals only what is declared owl:NamedIndividual.
    declared = set(ontology.subjects(RDF.type, None))
    for subject in set(data.subjects(RDF.type, None)) - declared:
        if isinstance(subject, URIRef):
            merged.add((subject, RDF.type, OWL.NamedIndividual))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            bad = sorted(set(_unsatisfiable(world)))
            raise InconsistentGraph(bad, str(exc).strip().splitlines()[-1] if str(exc).strip() else "") from None
        except owlready2.OwlReadyJavaError as exc:
            lines = [line for line in str(exc).splitlines() if "Exception" in line] or str(exc).splitlines()[-1:]
            raise ReasonerFailed(f"HermiT could not reason over the graph: {lines[0].strip() if lines else exc}") from None
        individuals = len(list(world.individuals()))
    return time.perf_counter() - t0, individuals


def _unsatisfiable(world) -> list[str]:
    """Individuals asserted into classes declared disjoint (the usual cause)."""
    bad = []
    for ind in world.individuals():
        types = set(ind.is_a)
        for cls in list(types):
            for disj in getattr(cls, "disjoints", lambda: [])():
                if any(e in types for e in disj.entities if e is not cls):
                    bad.append(ind.iri)
    return bad
