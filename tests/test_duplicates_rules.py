"""One project, one record (一项多码): when two names are the same project, and what a merge does to milestones."""

from tracker.duplicates import rules
from tracker.projects.rules import STAGES


def test_names_are_compared_without_spaces_width_and_the_usual_suffixes():
    key = rules.name_key("哈尔滨智能装备产业园项目")
    for same in ("哈尔滨智能装备产业园", "哈尔滨 智能装备产业园 项目", "哈尔滨智能装备产业园（一期）", "哈尔滨智能装备产业园项目(一期)",
                 "哈尔滨智能装备产业园一期工程", "哈尔滨智能装备产业园项目（第一期）", "“哈尔滨智能装备产业园”项目"):
        assert rules.name_key(same) == key, same
    assert rules.name_key("Harbin Smart Park Project") == rules.name_key("ＨＡＲＢＩＮ　ｓｍａｒｔ　park")


def test_a_second_phase_is_another_project():
    assert rules.name_key("哈尔滨智能装备产业园（二期）") != rules.name_key("哈尔滨智能装备产业园（一期）")


def test_similar_names_of_one_enterprise():
    assert rules.similar(rules.name_key("冰城智造高端数控机床项目"), rules.name_key("冰城智造高端数控机床建设项目"))
    assert rules.similar("哈尔滨智能装备产业园", "智能装备产业园")
    assert not rules.similar("风电装备制造基地", "生物医药产业园")
    assert not rules.similar("厂", "工厂扩建")  # too short to count as contained


def known(id_, name, code):
    return rules.Known(id_, name, rules.name_key(name), code, "企业")


def test_likely_duplicates_are_same_enterprise_similar_name_or_same_name_elsewhere():
    index = rules.Index([known(1, "冰城智造高端数控机床项目", "A"), known(2, "松江生物医药产业园项目", "B"), known(3, "冰城智造研发中心", "A")])
    found = index.likely(rules.name_key("冰城智造高端数控机床（一期）"), "A")
    assert [(c.known.id, c.why) for c in found] == [(1, rules.SAME_ENTERPRISE)]
    found = index.likely(rules.name_key("松江生物医药产业园"), "C")
    assert [(c.known.id, c.why) for c in found] == [(2, rules.SAME_NAME)]
    assert index.likely(rules.name_key("全新的项目"), "A") == []
    assert [k.id for k in index.exact(rules.name_key("冰城智造高端数控机床"), "A")] == [1]


def test_a_merge_keeps_the_survivors_milestones_and_parks_the_others_of_the_same_stage():
    survivor = [{"id": 1, "stage": "signed", "seq": 1}, {"id": 2, "stage": "registered", "seq": 2}, {"id": 3, "stage": "operating", "seq": 3}]
    absorbed = [{"id": 11, "stage": "signed", "seq": 1}, {"id": 12, "stage": "land", "seq": 2}, {"id": 13, "stage": "operating", "seq": 3}]
    not_applicable, order = rules.milestone_plan(survivor, absorbed, STAGES)
    assert not_applicable == [11, 13]
    assert [mid for mid, _seq in order] == [1, 11, 2, 12, 3, 13] and [seq for _mid, seq in order] == [1, 2, 3, 4, 5, 6]


def test_a_project_is_not_merged_with_itself_or_twice():
    a, b = {"id": 1, "merged_into": None}, {"id": 2, "merged_into": None}
    assert rules.merge_error(a, b) is None
    assert rules.merge_error(a, a) == "A project cannot be merged with itself."
    assert rules.merge_error(a, {"id": 2, "merged_into": 5}) == "This project was already merged into another one."
