"""The scorer behind ``kg eval``: its numbers must not depend on the order facts come in."""

from kg.evaluate import match_one_to_one


def test_matching_is_maximal_whatever_the_order():
    # gold A accepts found x or y; gold B accepts only x: a first-come matcher that gives x
    # to A leaves B missed in one order and not in the other
    gold = ["A", "B"]
    accepts = {("x", "A"), ("y", "A"), ("x", "B")}
    for found in (["x", "y"], ["y", "x"]):
        score = match_one_to_one(found, gold, lambda f, g: (f, g) in accepts)
        assert (score.tp, score.fp, score.fn) == (2, 0, 0), found


def test_equal_facts_are_preferred_and_doubtful_gold_is_never_missed():
    score = match_one_to_one(["a", "b"], ["b", {"doubtful": True}], lambda f, g: True,
                             optional=lambda g: isinstance(g, dict) and g.get("doubtful"))
    assert score.tp == 2 and score.fn == 0 and not score.misses
    score = match_one_to_one([], [{"doubtful": True, "text": "t"}, {"text": "u"}], lambda f, g: True,
                             optional=lambda g: g.get("doubtful"), miss=lambda g: g["text"])
    assert score.misses == ["u"] and score.fn == 1
