"""The API's pure rules: tokens, scopes, cursors, entity tags and the rate window."""

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from tracker.api import rules


def test_a_new_token_is_long_random_and_stored_only_as_its_hash():
    a, b = rules.new_token(), rules.new_token()
    assert a != b and a.startswith(rules.TOKEN_PREFIX) and len(a) > 40
    assert rules.hash_token(a) == rules.hash_token(a) and len(rules.hash_token(a)) == 64 and a not in rules.hash_token(a)


def test_only_a_bearer_header_carries_a_token():
    assert rules.bearer("Bearer abc") == "abc"
    assert rules.bearer("bearer  abc ") == "abc"
    assert rules.bearer("Basic abc") is None
    assert rules.bearer("Bearer") is None
    assert rules.bearer(None) is None
    assert rules.bearer("Bearer " + "x" * 300) is None


def test_scopes_keep_their_order_and_drop_unknown_words():
    assert rules.parse_scopes("figures, projects,admin") == ["projects", "figures"]
    assert rules.parse_scopes([]) == []


def test_a_token_is_active_until_it_expires_or_is_revoked():
    today = date(2026, 11, 27)
    assert rules.token_state(None, None, today) == "active"
    assert rules.token_state(None, today, today) == "active"  # valid through that day
    assert rules.token_state(None, date(2026, 11, 26), today) == "expired"
    assert rules.token_state(datetime(2026, 11, 1, tzinfo=UTC), None, today) == "revoked"


@given(st.integers(min_value=0, max_value=2**31 - 1))
def test_a_cursor_decodes_to_the_id_it_was_made_from(number):
    assert rules.decode_cursor(rules.encode_cursor(number)) == number


@given(st.text(max_size=40))
def test_any_other_text_is_not_a_cursor_or_decodes_to_a_valid_id(text):
    value = rules.decode_cursor(text)
    assert value is None or 0 <= value < 2**31


def test_if_none_match_compares_weakly_and_takes_lists_and_star():
    tag = rules.etag(b"{}")
    assert rules.not_modified(tag, tag)
    assert rules.not_modified(f'"other", W/{tag}', tag)
    assert rules.not_modified("*", tag)
    assert not rules.not_modified('"other"', tag)
    assert not rules.not_modified(None, tag)
    assert rules.etag(b"{}") != rules.etag(b"[]")


def test_the_rate_window_slides():
    now = [0.0]
    window = rules.SlidingWindow(3, 60.0, clock=lambda: now[0])
    assert [window.hit("a") for _ in range(3)] == [0, 0, 0]
    assert window.hit("a") == 60.0  # the oldest of the three leaves the window in a minute
    assert window.hit("b") == 0  # per token
    now[0] = 30.0
    assert window.hit("a") == 30.0
    now[0] = 60.5
    assert window.hit("a") == 0


def test_a_limit_of_zero_means_no_limit():
    window = rules.SlidingWindow(0)
    assert all(window.hit("a") == 0 for _ in range(1000))


def test_every_problem_has_a_type_and_an_english_title():
    for status in (400, 401, 403, 404, 405, 429, 500, 418, 503):
        kind = rules.problem_kind(status)
        assert kind.type.startswith("/api/v1/problems/") and kind.title
