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


def materialise(store, ontology: Graph, inferred: str, not_data: list[str], only: set[str] | None = None) -> int:
    """Write into graph ``inferred`` of the Oxigraph ``store`` what the ontology entails from
    the data — the named graphs but ``inferred`` and ``not_data`` (the ontology's own) — and
    is not stated there; the number of triples written. The same triples as
    :func:`entailments` (the tests hold them to it and to HermiT).

    With ``only`` (IRIs: the subjects and objects of statements that changed since the
    graph was last materialised), only the entailments about those nodes are redone: the
    inferred triples whose subject is one of them, or whose object is (types excepted), are
    taken out, and the rules applied again to the statements that have one of them as
    subject, object or chain link — every entailment a changed statement supported or now
    supports is about such a node, so the rest of the graph stands."""
    axioms = Axioms.of(ontology)
    outside = ", ".join(f"<{g}>" for g in [inferred, *not_data])
    data = lambda pattern, g="?g": f"GRAPH {g} {{ {pattern} }} FILTER({g} NOT IN ({outside}))"  # noqa: E731
    into = f"GRAPH <{inferred}>"
    rules: list[tuple[str, str, tuple[str, ...]]] = []  # (what is inserted, the pattern, the variables a node may bind)
    if axioms.superproperties:
        rules.append((f"{into} {{ ?s ?q ?o }}",
                      f"VALUES (?p ?q) {{ {_pairs(axioms.superproperties)} }} {data('?s ?p ?o')}", ("?s", "?o")))
    if axioms.inverse:
        rules.append((f"{into} {{ ?o ?q ?s }}",
                      f"VALUES (?p ?q) {{ {_pairs(axioms.inverse)} }} {data('?s ?p ?o')} FILTER(isIRI(?o))",
                      ("?s", "?o")))
    if axioms.symmetric:
        values = " ".join(f"<{p}>" for p in sorted(axioms.symmetric))
        rules.append((f"{into} {{ ?o ?p ?s }}", f"VALUES ?p {{ {values} }} {data('?s ?p ?o')} FILTER(isIRI(?o))",
                      ("?s", "?o")))
    for prop, first, second in axioms.chains:  # over the data and what the rules above derived
        either = lambda pattern, g: (f"{{ {data(pattern, g)} }} UNION {{ GRAPH <{inferred}> {{ {pattern} }} }}")  # noqa: E731
        rules.append((f"{into} {{ ?s <{prop}> ?o }}",
                      f"{either(f'?s <{first}> ?mid', '?g')} {either(f'?mid <{second}> ?o', '?h')}",
                      ("?s", "?mid", "?o")))
    # a property's domain and range, over the data and what the rules above derived; a type
    # stated already is not inserted (the node typed need not be one an update redoes, so the
    # last step, which takes out what is stated around those nodes, would not take it out)
    stated_or_derived = f"{{ {data('?s ?p ?o')} }} UNION {{ {into} {{ ?s ?p ?o }} }}"
    unstated = lambda node: f"FILTER NOT EXISTS {{ GRAPH ?t {{ {node} a ?c }} FILTER(?t != <{inferred}>) }}"  # noqa: E731
    if axioms.domains:
        rules.append((f"{into} {{ ?s a ?c }}",
                      f"VALUES (?p ?c) {{ {_pairs(axioms.domains)} }} {stated_or_derived} {unstated('?s')}",
                      ("?s", "?o")))
    if axioms.ranges:
        rules.append((f"{into} {{ ?o a ?c }}",
                      f"VALUES (?p ?c) {{ {_pairs(axioms.ranges)} }} {stated_or_derived} FILTER(!isLiteral(?o)) "
                      f"{unstated('?o')}", ("?s", "?o")))
    if axioms.superclasses:
        rules.append((f"{into} {{ ?s a ?sup }}",
                      f"VALUES (?c ?sup) {{ {_pairs(axioms.superclasses, skip=_SKIP_CLASSES)} }} {data('?s a ?c')}",
                      ("?s",)))
    # stated already: by a document, or by the ontology (a SKOS concept of its schemes is a
    # skos:Concept there, whatever range it is a value of)
    stated = f"{into} {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{inferred}>)"
    if only is None:
        for insert, where, _ in rules:
            store.update(f"INSERT {{ {insert} }} WHERE {{ {where} }}")
        store.update(f"DELETE {{ {into} {{ ?s ?p ?o }} }} WHERE {{ {stated} }}")  # only what nothing states
    else:
        nodes = sorted(n for n in only if n.startswith(("http:", "https:", "urn:")))
        chunks = [nodes[i:i + 500] for i in range(0, len(nodes), 500)]
        for chunk in chunks:
            store.update(f"DELETE {{ {into} {{ ?x ?p ?o }} }} WHERE {{ {_values('?x', chunk)} {into} {{ ?x ?p ?o }} }}")
            store.update(f"DELETE {{ {into} {{ ?s ?p ?x }} }} WHERE {{ {_values('?x', chunk)} {into} {{ ?s ?p ?x }} "
                         f"FILTER(?p != <{RDF.type}>) }}")
        for insert, where, variables in [*rules, (None, stated, ("?s", "?o"))]:
            for chunk in chunks:  # (every chunk through a rule before the next rule)
                for var in variables:
                    if insert is None:  # the last step: only what nothing states
                        store.update(f"DELETE {{ {into} {{ ?s ?p ?o }} }} WHERE {{ {_values(var, chunk)} {where} }}")
                    else:
                        store.update(f"INSERT {{ {insert} }} WHERE {{ {_values(var, chunk)} {where} }}")
    return sum(1 for _ in store.quads_for_pattern(None, None, None, _named(inferred)))


def _values(var: str, nodes: list[str]) -> str:
    return f"VALUES {var} {{ " + " ".join(f"<{n}>" for n in nodes) + " }"


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
