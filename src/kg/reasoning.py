"""What the ontology entails from the documents' statements, kept apart from them.

``entailments`` computes, from the ontology's axioms, the triples a reasoner adds to the
data: class memberships through rdfs:subClassOf, values of super-properties
(rdfs:subPropertyOf), inverse links (owl:inverseOf), symmetric links and two-step
property chains (owl:propertyChainAxiom). Only triples not already stated are returned:
they go to their own named graph (``…/graph/inferred``). Consistency itself is checked by
HermiT (:func:`kg.validate.owl_check`).
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, URIRef
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
    for s, cls in data.subject_objects(RDF.type):
        for sup in supers.get(cls, ()):
            if sup not in _SKIP_CLASSES and (s, RDF.type, sup) not in data:
                out.add((s, RDF.type, sup))
    return out
