"""What the ontology entails from the documents' statements, kept apart from them.

The entailments published are class memberships through rdfs:subClassOf and through a
property's rdfs:domain and rdfs:range (named classes), values of super-properties
(rdfs:subPropertyOf), inverse links (owl:inverseOf), symmetric links and two-step property
chains (owl:propertyChainAxiom, e.g. kg:presentIn through offices): the rules of OWL 2 RL
for those axioms (cax-sco, prp-dom, prp-rng, prp-spo1, prp-inv1/2, prp-symp, prp-spo2).
Only triples not already stated (by a document or by the ontology) are kept: they go to
their own named graph (``…/graph/inferred``).

``materialise`` applies the rules as SPARQL updates inside the store, where the data
already is: its cost grows with the data, not with the number of individuals squared as a
tableau reasoner's may (HermiT took 36 s for 62,000 individuals). ``entailments`` computes
the same triples in Python from rdflib graphs (for a graph that is not in a store).
``inconsistencies`` checks the data against the ontology's disjointness and functional
axioms with the RL rules for them (cax-dw, cax-adc, prp-fp on data values) — what a
graph too large for HermiT is checked with; HermiT (:func:`kg.validate.owl_check`)
checks the ontology itself always, and the data of builds below a size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .store import in_union, stated_by_graphs

_SKIP_CLASSES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def _closure(pairs: list[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    up: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in pairs:
        up[a].add(b)
    result: dict[URIRef, set[URIRef]] = {}
    for start in list(up):
        seen, stack = set(), list(up[start])
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(up.get(x, ()))
        result[start] = seen - {start}
    return result


def entailments(data: Graph, ontology: Graph) -> Graph:
    named = lambda t: isinstance(t, URIRef)  # noqa: E731
    supers = _closure([(a, b) for a, b in ontology.subject_objects(RDFS.subClassOf) if named(a) and named(b)])
    superprops = _closure([(a, b) for a, b in ontology.subject_objects(RDFS.subPropertyOf) if named(a) and named(b)])
    inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in ontology.subject_objects(OWL.inverseOf):
        if named(a) and named(b):
            inverse[a].add(b)
            inverse[b].add(a)
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    chains = []
    for prop, head in ontology.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(ontology, head))
        if len(steps) == 2 and all(named(s) for s in steps):
            chains.append((prop, steps[0], steps[1]))

    domains, ranges = _typing(ontology, supers)
    out = Graph()
    # property-level entailments first, so that chains can use inverse links
    derived = Graph()
    for s, p, o in data:
        for q in superprops.get(p, ()):
            derived.add((s, q, o))
        if named(o):
            for q in inverse.get(p, ()):
                derived.add((o, q, s))
            if p in symmetric:
                derived.add((o, p, s))
    both = data + derived
    for prop, first, second in chains:
        for s, mid in both.subject_objects(first):
            for o in both.objects(mid, second):
                derived.add((s, prop, o))
    for t in derived:
        if t not in data:
            out.add(t)
    for s, p, o in data + derived:  # a property's domain and range, over what is stated and derived
        for cls in domains.get(p, ()):
            if (s, RDF.type, cls) not in data:
                out.add((s, RDF.type, cls))
        if not isinstance(o, Literal):
            for cls in ranges.get(p, ()):
                if (o, RDF.type, cls) not in data:
                    out.add((o, RDF.type, cls))
    for t in [t for t in out if t in ontology]:  # (stated there: a SKOS concept of its schemes)
        out.remove(t)
    for s, cls in data.subject_objects(RDF.type):
        for sup in supers.get(cls, ()):
            if sup not in _SKIP_CLASSES and (s, RDF.type, sup) not in data:
                out.add((s, RDF.type, sup))
    return out


def _typing(ontology: Graph, supers: dict[URIRef, set[URIRef]]
            ) -> tuple[dict[URIRef, set[URIRef]], dict[URIRef, set[URIRef]]]:
    """Each property's named rdfs:domain and rdfs:range classes, with their superclasses
    (a class built of others, e.g. an owl:unionOf, says of its members no class of its own)."""
    domains: dict[URIRef, set[URIRef]] = defaultdict(set)
    ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
    for axiom, into in ((RDFS.domain, domains), (RDFS.range, ranges)):
        for prop, cls in ontology.subject_objects(axiom):
            if isinstance(prop, URIRef) and isinstance(cls, URIRef) and cls not in _SKIP_CLASSES:
                into[prop] |= ({cls} | supers.get(cls, set())) - _SKIP_CLASSES
    return dict(domains), dict(ranges)


# -- the same rules, applied in the store ------------------------------------------------

@dataclass(frozen=True)
class Axioms:
    """The ontology's axioms the rules use, closed once (it is small)."""

    superclasses: dict[URIRef, set[URIRef]]
    superproperties: dict[URIRef, set[URIRef]]
    inverse: dict[URIRef, set[URIRef]]
    symmetric: set[URIRef]
    chains: list[tuple[URIRef, URIRef, URIRef]]
    domains: dict[URIRef, set[URIRef]]  # a property's domain classes, with their superclasses
    ranges: dict[URIRef, set[URIRef]]

    @classmethod
    def of(cls, ontology: Graph) -> "Axioms":
        named = lambda t: isinstance(t, URIRef)  # noqa: E731
        inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
        for a, b in ontology.subject_objects(OWL.inverseOf):
            if named(a) and named(b):
                inverse[a].add(b)
                inverse[b].add(a)
        chains = []
        for prop, head in ontology.subject_objects(OWL.propertyChainAxiom):
            steps = list(Collection(ontology, head))
            if len(steps) == 2 and all(named(s) for s in steps):
                chains.append((prop, steps[0], steps[1]))
        superclasses = _closure([(a, b) for a, b in ontology.subject_objects(RDFS.subClassOf) if named(a) and named(b)])
        domains, ranges = _typing(ontology, superclasses)
        return cls(
            superclasses=superclasses,
            superproperties=_closure([(a, b) for a, b in ontology.subject_objects(RDFS.subPropertyOf)
                                      if named(a) and named(b)]),
            inverse=dict(inverse),
            symmetric={p for p in ontology.subjects(RDF.type, OWL.SymmetricProperty) if named(p)},
            chains=sorted(chains),
            domains=domains,
            ranges=ranges,
        )


def _pairs(mapping: dict[URIRef, set[URIRef]], skip=frozenset()) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a in sorted(mapping) for b in sorted(mapping[a]) if b not in skip)


def materialise(store, ontology: Graph, inferred: str, not_data: list[str]) -> int:
    """Write into graph ``inferred`` of the Oxigraph ``store`` what the ontology entails from
    the data — the named graphs but ``inferred`` and ``not_data`` (the ontology's own) — and
    is not stated there; the number of triples written. The same triples as
    :func:`entailments` (the tests hold them to it and to HermiT).
    (:func:`update_entailments` brings the graph up to date after a change.)

    The store's default graph is the union of its named graphs but ``inferred``, as a build
    writes it: whether a triple is stated is one lookup there, not a scan of every graph
    that states something of its subject (a third of the rules' time for a 1 MB document)."""
    axioms = Axioms.of(ontology)
    outside = ", ".join(f"<{g}>" for g in [inferred, *not_data])
    data = lambda pattern, g="?g": f"GRAPH {g} {{ {pattern} }} FILTER({g} NOT IN ({outside}))"  # noqa: E731
    into = f"GRAPH <{inferred}>"
    rules: list[tuple[str, str]] = []  # (the triples inserted into ``inferred``, the pattern)
    if axioms.superproperties:
        rules.append(("?s ?q ?o",
                      f"VALUES (?p ?q) {{ {_pairs(axioms.superproperties)} }} {data('?s ?p ?o')}"))
    if axioms.inverse:
        rules.append(("?o ?q ?s",
                      f"VALUES (?p ?q) {{ {_pairs(axioms.inverse)} }} {data('?s ?p ?o')} FILTER(isIRI(?o))"))
    if axioms.symmetric:
        values = " ".join(f"<{p}>" for p in sorted(axioms.symmetric))
        rules.append(("?o ?p ?s", f"VALUES ?p {{ {values} }} {data('?s ?p ?o')} FILTER(isIRI(?o))"))
    for prop, first, second in axioms.chains:  # over the data and what the rules above derived
        either = lambda pattern, g: (f"{{ {data(pattern, g)} }} UNION {{ GRAPH <{inferred}> {{ {pattern} }} }}")  # noqa: E731
        rules.append((f"?s <{prop}> ?o",
                      f"{either(f'?s <{first}> ?mid', '?g')} {either(f'?mid <{second}> ?o', '?h')}"))
    # a property's domain and range, over the data and what the rules above derived; a type
    # stated already is not inserted
    stated_or_derived = f"{{ {data('?s ?p ?o')} }} UNION {{ {into} {{ ?s ?p ?o }} }}"
    unstated = lambda node, cls="?c": f"FILTER NOT EXISTS {{ {node} a {cls} }}"  # noqa: E731  (the union)
    if axioms.domains:
        rules.append(("?s a ?c",
                      f"VALUES (?p ?c) {{ {_pairs(axioms.domains)} }} {stated_or_derived} {unstated('?s')}"))
    if axioms.ranges:
        rules.append(("?o a ?c",
                      f"VALUES (?p ?c) {{ {_pairs(axioms.ranges)} }} {stated_or_derived} FILTER(!isLiteral(?o)) "
                      f"{unstated('?o')}"))
    if axioms.superclasses:
        rules.append(("?s a ?sup",
                      f"VALUES (?c ?sup) {{ {_pairs(axioms.superclasses, skip=_SKIP_CLASSES)} }} {data('?s a ?c')} "
                      f"{unstated('?s', '?sup')}"))
    # stated already (in the union): by a document, or by the ontology (a SKOS concept of its
    # schemes is a skos:Concept there, whatever range it is a value of)
    stated = f"{into} {{ ?s ?p ?o }} ?s ?p ?o"
    for template, where in rules:
        _insert(store, inferred, template, where)
    store.update(f"DELETE {{ {into} {{ ?s ?p ?o }} }} WHERE {{ {stated} }}")  # only what nothing states
    # (counted in the store, which lets other threads run meanwhile)
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {into} {{ ?s ?p ?o }} }}")))["n"].value)


def _insert(store, graph: str, template: str, where: str) -> None:
    """``INSERT { GRAPH <graph> { template } } WHERE { where }``, through the bulk loader: an
    update writes its triples in one transaction, which at 10,000 documents (1.3 million
    superclass memberships) cost ten times what the query did. The bulk loader renames
    blank nodes, so solutions that hold one (``_:`` in the N-Triples: perhaps only inside a
    literal) go in as the update."""
    import pyoxigraph as ox

    triples = store.query(f"CONSTRUCT {{ {template} }} WHERE {{ {where} }}").serialize(format=ox.RdfFormat.N_TRIPLES)
    if b"_:" in triples:
        store.update(f"INSERT {{ GRAPH <{graph}> {{ {template} }} }} WHERE {{ {where} }}")
    elif triples:
        store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def update_entailments(store, ontology: Graph, inferred: str, not_data: list[str], added, removed) -> tuple[int, int]:
    """Bring graph ``inferred`` up to date after the data changed by ``added`` and ``removed``
    (pyoxigraph Triples: statements some data graph now states and did not, and the
    reverse), the store holding the data as it now is; ``(inserted, deleted)``. The result is
    what :func:`materialise` writes from nothing (the tests hold it to that).

    Only what a changed statement can bear on is looked at: the conclusions of the rules
    with the statement as a premise (and of those conclusions as premises, up the rules'
    layers), each then decided again — entailed by what is now stated, and not stated —
    by looking up its possible premises in the store. The rules are monotonic, so this
    covers additions and removals alike, and its cost grows with the change, not with the
    graph (a node many documents name is looked up, never walked)."""
    import pyoxigraph as ox

    rules = _StoreRules(store, Axioms.of(ontology), inferred, not_data)
    graph = ox.NamedNode(inferred)
    inserted = deleted = 0
    for s, p, o in sorted(rules.candidates(set(added) | set(removed)), key=str):
        if isinstance(s, ox.Literal):
            continue
        want = rules.entailed(s, p, o) and not rules.stated(s, p, o)
        have = next(iter(store.quads_for_pattern(s, p, o, graph)), None) is not None
        if want and not have:
            store.add(ox.Quad(s, p, o, graph))
            inserted += 1
        elif have and not want:
            store.remove(ox.Quad(s, p, o, graph))
            deleted += 1
    return inserted, deleted


class _StoreRules:
    """The rules of :func:`materialise`, read backwards and forwards over the store: whether a
    triple is entailed (its premises looked up), and what a statement may entail."""

    def __init__(self, store, axioms: Axioms, inferred: str, not_data: list[str]):
        import pyoxigraph as ox

        self.ox, self.store = ox, store
        self.type = ox.NamedNode(str(RDF.type))
        self.default = ox.DefaultGraph()
        self.inferred = ox.NamedNode(inferred)
        self.apart = {self.inferred, *(ox.NamedNode(g) for g in not_data)}
        node = lambda term: ox.NamedNode(str(term))  # noqa: E731
        to_ox = lambda mapping: {node(a): {node(b) for b in bs} for a, bs in mapping.items()}  # noqa: E731
        self.superproperties = to_ox(axioms.superproperties)
        self.subproperties = _reverse(self.superproperties)
        self.inverse = to_ox(axioms.inverse)
        self.symmetric = {node(p) for p in axioms.symmetric}
        self.chains = [(node(prop), node(first), node(second)) for prop, first, second in axioms.chains]
        self.domains, self.ranges = to_ox(axioms.domains), to_ox(axioms.ranges)
        self.domain_of, self.range_of = _reverse(self.domains), _reverse(self.ranges)
        skip = {node(c) for c in _SKIP_CLASSES}
        self.superclasses = {c: sups - skip for c, sups in to_ox(axioms.superclasses).items()}
        self.subclasses = _reverse(self.superclasses)
        if self.type in (set(self.superproperties) | set(self.inverse) | self.symmetric | set(self.domains)
                         | set(self.ranges) | {c[0] for c in self.chains}):
            raise ValueError("rdf:type in a property axiom: the rules read it as a class membership only")
        # what the graphs apart from the data state: a statement found in the union (the
        # default graph) is data unless only they state it
        self.apart_statements = {(q.subject, q.predicate, q.object) for g in self.apart if g != self.inferred
                                 for q in store.quads_for_pattern(None, None, None, g)}

    # -- what the data states -------------------------------------------------------------

    def data(self, s, p, o) -> bool:
        return stated_by_graphs(self.store, s, p, o, self.apart)

    def stated(self, s, p, o) -> bool:
        """Stated by any graph but the inferred one (the union holds them all)."""
        return in_union(self.store, s, p, o)

    def _data_from(self, s, p):
        if isinstance(s, self.ox.Literal):
            return
        for q in self.store.quads_for_pattern(s, p, None, self.default):
            if (s, p, q.object) not in self.apart_statements or self.data(s, p, q.object):
                yield q.object

    def _data_to(self, p, o):
        for q in self.store.quads_for_pattern(None, p, o, self.default):
            if (q.subject, p, o) not in self.apart_statements or self.data(q.subject, p, o):
                yield q.subject

    # -- the layers: the data with what the property rules add (L1), then the chains ------

    def _objects(self, s, p, level: int):
        """The o for which (s p o) is stated or derived by the property rules or by the
        first ``level`` chains (as materialise applies them, one after another)."""
        iri = isinstance(s, self.ox.NamedNode)
        yield from self._data_from(s, p)
        for sub in self.subproperties.get(p, ()):
            yield from self._data_from(s, sub)
        if iri:
            for inv in self.inverse.get(p, ()):
                yield from self._data_to(inv, s)
            if p in self.symmetric:
                yield from self._data_to(p, s)
        for j, (prop, first, second) in enumerate(self.chains[:level]):
            if prop == p:
                for mid in set(self._objects(s, first, j)):
                    yield from self._objects(mid, second, j)

    def _subjects(self, p, o, level: int):
        """The s for which (s p o) is stated or derived (see ``_objects``)."""
        yield from self._data_to(p, o)
        for sub in self.subproperties.get(p, ()):
            yield from self._data_to(sub, o)
        if not isinstance(o, self.ox.Literal):
            for inv in self.inverse.get(p, ()):
                yield from (x for x in self._data_from(o, inv) if isinstance(x, self.ox.NamedNode))
            if p in self.symmetric:
                yield from (x for x in self._data_from(o, p) if isinstance(x, self.ox.NamedNode))
        for j, (prop, first, second) in enumerate(self.chains[:level]):
            if prop == p:
                for mid in set(self._subjects(second, o, j)):
                    yield from self._subjects(first, mid, j)

    def _holds(self, s, p, o, level: int) -> bool:
        if self.data(s, p, o) or self._by_property_rules(s, p, o):
            return True
        for j, (prop, first, second) in enumerate(self.chains[:level]):
            if prop == p and any(self._holds(mid, second, o, j) for mid in set(self._objects(s, first, j))):
                return True
        return False

    def _by_property_rules(self, s, p, o) -> bool:
        if any(self.data(s, sub, o) for sub in self.subproperties.get(p, ())):
            return True
        if isinstance(s, self.ox.NamedNode) and not isinstance(o, self.ox.Literal):
            if any(self.data(o, inv, s) for inv in self.inverse.get(p, ())):
                return True
            if p in self.symmetric and self.data(o, p, s):
                return True
        return False

    def entailed(self, s, p, o) -> bool:
        """Whether a rule concludes (s p o) from what is now stated."""
        if self._by_property_rules(s, p, o):
            return True
        every = len(self.chains)
        for j, (prop, first, second) in enumerate(self.chains):
            if prop == p and any(self._holds(mid, second, o, j) for mid in set(self._objects(s, first, j))):
                return True
        if p != self.type:
            return False
        if any(self.data(s, self.type, c) for c in self.subclasses.get(o, ())):
            return True
        if any(next(self._objects(s, q, every), None) is not None for q in self.domain_of.get(o, ())):
            return True
        return any(next(self._subjects(q, s, every), None) is not None for q in self.range_of.get(o, ()))

    # -- forwards: what a changed statement may bear on -------------------------------------

    def candidates(self, changed: set) -> set:
        """Every triple whose entailment a change of the ``changed`` statements may alter:
        the conclusions of the rules with one of them (or such a conclusion) as a premise,
        the premises found in the store as it is or among the changed."""
        ox = self.ox
        out = set(changed)
        for s, p, o in changed:
            out.update((s, q, o) for q in self.superproperties.get(p, ()))
            if isinstance(o, ox.NamedNode):
                out.update((o, q, s) for q in self.inverse.get(p, ()))
                if p in self.symmetric:
                    out.add((o, p, s))
        for j, (prop, first, second) in enumerate(self.chains):
            by_subject, by_object = defaultdict(set), defaultdict(set)
            for s, p, o in out:
                if p == second:
                    by_subject[s].add(o)
                if p == first:
                    by_object[o].add(s)
            heads = set()
            for s, p, o in out:
                if p == first and not isinstance(o, ox.Literal):
                    heads.update((s, prop, x) for x in {*self._objects(o, second, j), *by_subject.get(o, ())})
                if p == second:
                    heads.update((x, prop, o) for x in {*self._subjects(first, s, j), *by_object.get(s, ())})
            out |= heads
        types = set()
        for s, p, o in out:
            types.update((s, self.type, c) for c in self.domains.get(p, ()))
            if not isinstance(o, ox.Literal):
                types.update((o, self.type, c) for c in self.ranges.get(p, ()))
        for s, p, o in changed:
            if p == self.type:
                types.update((s, self.type, c) for c in self.superclasses.get(o, ()))
        return out | types


def _reverse(mapping: dict) -> dict:
    out: dict = defaultdict(set)
    for a, bs in mapping.items():
        for b in bs:
            out[b].add(a)
    return dict(out)


def _named(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _in_disjoint_classes(store, pairs: list[tuple[URIRef, URIRef]], only: set[str] | None, limit: int) -> list[str]:
    """Individuals typed (in the default graph) with both classes of a pair: each
    individual's types read once and checked against the pairs. (A SPARQL join of the pairs
    with the types scans a class's members for every pair it is in: 2,000 pairs took 7 s
    for one 1 MB document.)"""
    import pyoxigraph as ox

    partners: dict[str, set[str]] = defaultdict(set)
    for ca, cb in pairs:
        partners[str(ca)].add(str(cb))
    rdf_type, default = ox.NamedNode(str(RDF.type)), ox.DefaultGraph()
    types: dict = defaultdict(set)
    if only is None:
        for q in store.quads_for_pattern(None, rdf_type, None, default):
            types[q.subject].add(q.object.value)
    else:
        for node in sorted(n for n in only if n.startswith(("http:", "https:", "urn:"))):
            for q in store.quads_for_pattern(ox.NamedNode(node), rdf_type, None, default):
                types[q.subject].add(q.object.value)
    problems = []
    for x, classes in types.items():
        for ca in sorted(classes & partners.keys()):
            for cb in sorted(partners[ca] & classes):
                problems.append(f"{x.value} is both a {ca} and a {cb}, which are disjoint")
                if len(problems) >= limit:
                    return problems
    return problems


def inconsistencies(store, ontology: Graph, limit: int = 20, only: set[str] | None = None) -> list[str]:
    """What makes the data in the store (its default graph: the union of the documents'
    graphs and the ontology) inconsistent with the ontology, by the OWL 2 RL rules
    a document can break: an individual in two disjoint classes (owl:disjointWith,
    owl:AllDisjointClasses; through subclasses), and two different values of a functional
    data property. Returns readable lines (empty: consistent by these rules)."""
    axioms = Axioms.of(ontology)
    disjoint: set[tuple[URIRef, URIRef]] = set()
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            disjoint.add(tuple(sorted((a, b))))
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in ontology.objects(group, OWL.members):
            members = [m for m in Collection(ontology, head) if isinstance(m, URIRef)]
            disjoint.update(tuple(sorted((a, b))) for i, a in enumerate(members) for b in members[i + 1:])
    # an individual typed with a class or any of its subclasses is in it
    below: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sups in axioms.superclasses.items():
        for sup in sups:
            below[sup].add(sub)
    # (``only``: the individuals whose statements changed; the others were checked before)
    about = "" if only is None else "VALUES ?x { " + " ".join(
        f"<{n}>" for n in sorted(only) if n.startswith(("http:", "https:", "urn:"))) + " } "
    if only is not None and not only:
        return []
    problems = []
    # (read from the union, the default graph: one index lookup a class, where a pattern in
    # GRAPH ?g scans every graph; the ontology's own individuals are in it, and checked too)
    pairs = sorted({(ca, cb) for a, b in disjoint for ca in below.get(a, set()) | {a} for cb in below.get(b, set()) | {b}})
    if pairs:
        problems.extend(_in_disjoint_classes(store, pairs, only, limit))
    functional = sorted(p for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)
                        if isinstance(p, URIRef) and (p, RDF.type, OWL.DatatypeProperty) in ontology)
    for p in functional:
        query = (f"SELECT DISTINCT ?x ?v ?w WHERE {{ {about}?x <{p}> ?v . ?x <{p}> ?w "
                 f"FILTER(STR(?v) < STR(?w) && ?v != ?w) }} LIMIT {limit}")
        for row in store.query(query):
            problems.append(f"{row['x'].value} has two values of the functional property {p}: "
                            f"{row['v'].value!r} and {row['w'].value!r}")
    distinct: set[tuple[URIRef, URIRef]] = set()
    for group in ontology.subjects(RDF.type, OWL.AllDifferent):
        for head in ontology.objects(group, OWL.distinctMembers):
            members = sorted(m for m in Collection(ontology, head) if isinstance(m, URIRef))
            distinct.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    functional_objects = sorted(p for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)
                                if isinstance(p, URIRef) and (p, RDF.type, OWL.ObjectProperty) in ontology)
    if distinct:
        different = " ".join(f"(<{a}> <{b}>)" for a, b in sorted(distinct))
        for p in functional_objects:  # two values the ontology says are different individuals
            query = (f"SELECT DISTINCT ?x ?a ?b WHERE {{ {about}VALUES (?a ?b) {{ {different} }} ?x <{p}> ?a . "
                     f"?x <{p}> ?b }} LIMIT {limit}")
            for row in store.query(query):
                problems.append(f"{row['x'].value} has two values of the functional property {p}: "
                                f"{row['a'].value} and {row['b'].value}, which are different individuals")
    return problems[:limit]
