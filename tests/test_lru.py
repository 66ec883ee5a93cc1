"""The one in-memory cache: newest entries kept, a value only for the version it was stored under."""
import pytest

from nianbao.lru import LRU


def test_value_is_returned_only_for_its_version():
    c = LRU()
    c.put("dashboard", "page-1", version=(3, 10))
    assert c.get("dashboard", version=(3, 10)) == "page-1"
    assert c.get("dashboard", version=(4, 11)) is None          # a report was stored since


def test_oldest_entry_goes_first_and_a_read_refreshes_it():
    c = LRU(size=2)
    c.put("a", 1)
    c.put("b", 2)
    assert c.get("a") == 1                                      # now "b" is the oldest
    c.put("c", 3)
    assert c.get("b") is None and c.get("a") == 1 and c.get("c") == 3


def test_entries_expire_after_ttl(monkeypatch):
    import nianbao.lru as lru

    now = [1000.0]
    monkeypatch.setattr(lru.time, "monotonic", lambda: now[0])
    c = LRU(ttl=30)
    c.put("k", "v")
    now[0] += 29
    assert c.get("k") == "v"
    now[0] += 2
    assert c.get("k") is None


@pytest.mark.parametrize("size", [1, 5])
def test_never_holds_more_than_its_size(size):
    c = LRU(size=size)
    for i in range(20):
        c.put(i, i)
    assert sum(c.get(i) is not None for i in range(20)) == size
