"""Extraction components, registered by name, run in dependency order over one Doc.

As in spaCy's pipeline, each component is a function of the shared document state
(:class:`kg.annotate.doc.Doc`) that declares the layers it *needs* and the layers it
*adds*. The order is not written anywhere: a component runs after every component that
adds a layer it needs. Several components may add to one layer (the lexicon's names, the
gazetteer's places and discovered organisations all add ``mentions``); a component that
both needs and adds a layer extends it, after the components that create it.

Adding a kind of fact is one module with one ``@component`` function; adding a language
is data (``data/languages/``, ``data/lexicon/``), not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Component:
    name: str
    func: Callable
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    after: tuple[str, ...]  # components this one must follow beyond what its layers imply

    def __call__(self, doc) -> None:
        self.func(doc)


class PipelineError(Exception):
    """The registered components cannot be put in an order (a missing layer or a cycle)."""


_REGISTRY: dict[str, Component] = {}


def component(name: str, needs: Iterable[str] = (), adds: Iterable[str] = (),
              after: Iterable[str] = ()) -> Callable:
    """Register ``func(doc)`` as the component ``name``."""

    def register(func: Callable) -> Callable:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise PipelineError(f"two components are named {name!r}")
        _REGISTRY[name] = Component(name, func, tuple(needs), tuple(adds), tuple(after))
        return func

    return register


def registered() -> dict[str, Component]:
    return dict(_REGISTRY)


def run_order(components: Iterable[Component], given: Iterable[str] = ()) -> list[Component]:
    """The components in an order that gives each the layers it needs.

    ``given`` are layers the Doc has before any component runs. Raises PipelineError naming
    a component whose need nothing provides, or the components caught in a cycle.
    """
    comps = {c.name: c for c in components}
    given = set(given)
    creators: dict[str, set[str]] = {}  # layer -> components that add it without needing it
    extenders: dict[str, set[str]] = {}  # layer -> components that need and add it
    for c in comps.values():
        for layer in c.adds:
            (extenders if layer in c.needs else creators).setdefault(layer, set()).add(c.name)
    deps: dict[str, set[str]] = {name: set() for name in comps}
    for c in comps.values():
        for layer in c.needs:
            makers = creators.get(layer, set()) | extenders.get(layer, set())
            if not makers and layer not in given:
                raise PipelineError(f"component {c.name!r} needs {layer!r}, which no component adds")
            if layer in c.adds:  # an extender follows the creators only
                deps[c.name] |= creators.get(layer, set()) - {c.name}
            else:
                deps[c.name] |= makers - {c.name}
        for other in c.after:
            if other in comps:
                deps[c.name].add(other)
    order: list[Component] = []
    done: set[str] = set()
    pending = sorted(comps)  # registration-independent, so runs are repeatable
    while pending:
        ready = [n for n in pending if deps[n] <= done]
        if not ready:
            raise PipelineError(f"components depend on each other in a cycle: {', '.join(pending)}")
        for n in ready:
            order.append(comps[n])
            done.add(n)
        pending = [n for n in pending if n not in done]
    return order
