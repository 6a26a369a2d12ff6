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


def test_an_activity_type_matches_itself_its_parent_and_its_children_only():
    # both scorers judge types alike: a gold written when the scheme was smaller names the
    # parent of a concept added since; a grandparent or a sibling is another type
    from kg.evaluate import same_activity_type

    broader = {"child": {"parent"}, "sibling": {"parent"}, "parent": {"top"}}
    assert same_activity_type("child", "parent", broader)
    assert same_activity_type("parent", "child", broader)
    assert same_activity_type("child", "child", broader)
    assert not same_activity_type("child", "top", broader)
    assert not same_activity_type("sibling", "child", broader)
    assert not same_activity_type(None, "child", broader)


def test_a_found_place_is_the_gold_place_whose_name_covers_its_passage():
    """The development scorer ties a found node to the gold entity its passages name. A
    name inside another ('Саратов' in 'Саратовскую область') must not take the longer
    name's node: the oblast is Saratov Oblast, the city is Saratov, both are right."""
    from kg.evaluate_names import Correspondence

    text = "собрала для прибывших в Саратовскую область жителей. Направит помощь в Саратов."
    oblast = text.index("Саратовскую область")
    city = text.rindex("Саратов")
    gold = [{"name": "Saratov", "names": ["Саратов"]}, {"name": "Saratov Oblast", "names": ["Саратовскую область"]}]
    found = {"place/saratov-oblast": [(oblast, oblast + len("Саратовскую область"))], "place/saratov": [(city, city + 7)]}
    c = Correspondence("places", gold, found, text, {})
    assert c.by_node == {"place/saratov-oblast": "Saratov Oblast", "place/saratov": "Saratov"}
    score = c.score()
    assert (score.tp, score.fp, score.fn) == (2, 0, 0)
