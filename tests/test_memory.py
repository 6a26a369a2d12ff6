"""The build's long-lived objects are kept out of the cyclic collector's walks
(kg.memory), and the collector is never left off."""

from __future__ import annotations

import gc

import pytest

from kg.memory import long_lived


def test_long_lived_blocks_nest_and_always_turn_the_collector_back_on():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with long_lived():
        made = [[i] for i in range(1000)]  # (tracked containers)
        assert not gc.isenabled()
        with long_lived():  # the name finder loads the lexicon under its own block
            assert not gc.isenabled()
        assert not gc.isenabled()  # (the inner block did not turn it on mid-way)
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)  # kept out of later collections
    with pytest.raises(RuntimeError):
        with long_lived():
            raise RuntimeError("fails while loading")
    assert gc.isenabled()
