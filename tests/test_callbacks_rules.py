"""The callback draw as pure rules: a uniform sample (each item the same chance), reproducible from
its month and seed, at least one when anything is eligible, callers never the lead officer."""

from collections import Counter
from datetime import date

from tracker.callbacks import rules


def items(n):
    return [("request", i) for i in range(1, n // 2 + 1)] + [("fulfilment", i) for i in range(1, n - n // 2 + 1)]


def test_each_eligible_item_has_the_same_chance_over_ten_thousand_draws():
    pool, draws, k = items(20), 10_000, rules.sample_size(20, 20)
    counts = Counter(i for seed in range(draws) for i in rules.draw(pool, "2026-10", f"seed{seed}", 20))
    expected = draws * k / len(pool)  # 2,000 each
    assert set(counts) == set(pool)
    # A binomial count has a standard deviation of about 40 here: 10% is five of them.
    assert all(abs(c - expected) < expected * 0.1 for c in counts.values()), counts


def test_the_same_month_and_seed_give_the_same_sample_whatever_the_order():
    pool = items(37)
    first = rules.draw(pool, "2026-10", "abc", 20)
    assert first == rules.draw(list(reversed(pool)), "2026-10", "abc", 20)
    assert len(first) == 8
    assert first != rules.draw(pool, "2026-10", "abd", 20) or first != rules.draw(pool, "2026-09", "abc", 20)


def test_the_sample_is_the_share_rounded_up_and_at_least_one():
    assert rules.sample_size(0, 20) == 0
    assert rules.sample_size(1, 20) == 1
    assert rules.sample_size(11, 20) == 3
    assert rules.sample_size(5, 100) == 5


def test_a_caller_is_never_the_lead_officer_of_the_item():
    sample = [(("request", i), i % 3 + 1) for i in range(30)]
    callers = rules.assign(sample, [1, 2, 3], "2026-10", "s")
    assert all(callers[item] != lead and callers[item] in (1, 2, 3) for item, lead in sample)
    # The turns are spread over the pool.
    assert min(Counter(callers.values()).values()) >= 5
    assert rules.assign([(("request", 1), 4)], [4], "2026-10", "s") == {("request", 1): None}


def test_an_answer_is_refused_field_by_field():
    assert rules.check_answer(7, 7, True, True, 4) == [
        ("caller", "The project's own lead officer may not make its satisfaction callback.")]
    assert [f for f, _ in rules.check_answer(8, 7, True, True, 0)] == ["satisfaction"]
    assert [f for f, _ in rules.check_answer(8, 7, True, True, 6)] == ["satisfaction"]
    assert [f for f, _ in rules.check_answer(8, 7, True, None, None)] == ["solved", "satisfaction"]
    assert rules.check_answer(8, 7, False, None, None) == []
    assert rules.check_answer(8, 7, True, False, 1) == []


def test_only_an_ended_month_can_be_drawn():
    assert rules.previous_month(date(2026, 1, 5)) == "2025-12"
    assert rules.parse_month("2026-13") is None and rules.parse_month("x") is None and rules.parse_month("2026-3") == "2026-03"
    assert rules.check_month("2026-11", date(2026, 11, 27)) is not None
    assert rules.check_month("2026-10", date(2026, 11, 1)) is None
    assert rules.month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))


def test_a_gap_between_the_callbacks_and_the_bureaus_own_figures_is_flagged():
    f = rules.Figures(closed_rate=1.0)
    f.add(True, True, False, 2, True, 5)
    f.add(True, True, True, 3, True, 5)
    assert f.solved_share == 0.5 and f.own_solved_share == 1.0 and f.satisfaction == 2.5 and f.own_satisfaction == 5
    assert f.satisfaction_gap == 2.5 and f.closed_gap == 0.5 and f.flagged
    same = rules.Figures(closed_rate=0.5)
    same.add(True, True, True, 4, True, 4)
    assert not same.flagged
