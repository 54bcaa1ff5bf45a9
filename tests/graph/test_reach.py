from __future__ import annotations

import random

from gauntlet.graph.reach import bits, closures, digests


def _naive(succ: list[list[int]], start: int) -> set[int]:
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(succ[node])
    return seen


def test_cycles_and_extra_bits() -> None:
    succ = [[1], [2], [0, 3], [], [3]]  # 0 -> 1 -> 2 -> 0 is a cycle; 2 -> 3; 4 -> 3
    extra = [0, 0, 0, 1 << 4, 0]  # reaching 3 also includes 4, without following it
    followed, included = closures(succ, extra)
    assert list(bits(followed[0])) == [0, 1, 2, 3]
    assert list(bits(included[0])) == [0, 1, 2, 3, 4]
    assert list(bits(followed[3])) == [3]
    assert list(bits(included[4])) == [3, 4]


def test_matches_a_plain_search_on_random_graphs() -> None:
    rng = random.Random(3)  # noqa: S311 - seeded graph shapes, not secrets
    for _ in range(50):
        count = rng.randint(1, 40)
        succ = [[rng.randrange(count) for _ in range(rng.randint(0, 4))] for _ in range(count)]
        followed, _ = closures(succ, [0] * count)
        for node in range(count):
            assert set(bits(followed[node])) == _naive(succ, node)


def test_deep_chain_does_not_recurse() -> None:
    count = 5000
    succ = [[i + 1] for i in range(count - 1)] + [[]]
    followed, _ = closures(succ, [0] * count)
    assert followed[0] == (1 << count) - 1


def test_digests_change_exactly_for_the_nodes_whose_closure_includes_a_change() -> None:
    rng = random.Random(11)  # noqa: S311 - seeded graph shapes, not secrets
    for _ in range(40):
        count = rng.randint(2, 30)
        succ = [[rng.randrange(count) for _ in range(rng.randint(0, 3))] for _ in range(count)]
        extra = [rng.choice([0, 1 << rng.randrange(count)]) for _ in range(count)]
        lines = [f"file{n}\0v1\n" for n in range(count)]
        _, included = closures(succ, extra)
        before = digests(succ, extra, lines)
        changed = rng.randrange(count)
        lines[changed] = f"file{changed}\0v2\n"
        after = digests(succ, extra, lines)
        for node in range(count):
            reaches = bool(included[node] >> changed & 1)
            assert (before[node] != after[node]) == reaches, (succ, extra, changed, node)
