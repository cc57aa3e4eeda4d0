"""The per-process memos and the Redis cache backend that keeps one client per process."""

from club.core.cache import ClubRedisCache
from club.core.memo import Memo, memos_clear


def test_a_memo_keeps_values_for_its_seconds_and_forgets_the_oldest_beyond_its_size():
    now = [1000.0]
    memo = Memo(seconds=5, max_entries=2, clock=lambda: now[0])
    memo.set("a", 1)
    memo.set("b", False)  # a false value is a value
    assert memo.get("a") == 1 and memo.get("b") is False and memo.get("c", "none") == "none"
    now[0] += 4.9
    assert memo.get("a") == 1
    now[0] += 0.2
    assert memo.get("a") is None and memo.get("b") is None
    memo.set("a", 1)
    memo.set("b", 2)
    memo.set("c", 3)
    assert memo.get("a") is None and memo.get("b") == 2 and memo.get("c") == 3
    memo.discard("b")
    assert memo.get("b") is None
    memos_clear()
    assert memo.get("c") is None


def test_a_versioned_memo_keeps_values_until_dropped():
    now = [1000.0]
    memo = Memo(seconds=None, clock=lambda: now[0])
    memo.set(("survey", 3), "rules")
    now[0] += 86_400
    assert memo.get(("survey", 3)) == "rules"


def test_the_redis_cache_builds_one_client_and_works_through_it():
    cache = ClubRedisCache("redis://127.0.0.1:6379/9", {"KEY_PREFIX": "club-test-memo"})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    try:
        cache.set("answer", {"points": 40}, 30)
        assert cache.get("answer") == {"points": 40}
        assert cache._cache.get_client() is client
    finally:
        cache.delete("answer")
