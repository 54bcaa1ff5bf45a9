"""Transitive closures of a directed graph with cycles, for many start sets at once.

Nodes are numbered; closures are Python ints used as bit sets.  Tarjan's
algorithm (iterative) finds the strongly connected components in reverse
topological order, so each component's closure is its own nodes OR-ed with
the closures of the components it points to, computed once.  A start set's
closure is then an OR of a few ints, whatever the graph's size.

Each node also carries *extra* bits that belong to the closure of whoever
reaches it without being followed further (a package ``__init__.mojo`` that
is parsed but not elaborated).

:func:`digests` gives each node a Merkle digest over the same components: its
component's own lines, its extra nodes' lines and the digests of the
components it points to.  A change to any node a closure includes changes the
digest of every node whose closure includes it, and nothing else; a
closure's key costs one hash per component instead of one pass over its files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import compress
from typing import Any

_FLAGS = str.maketrans("01", "\x00\x01")


def bits(mask: int) -> list[int]:
    """The node numbers in a bit set, ascending.

    The binary digits, reversed, select from ``range`` in C (``compress``):
    closures of thousands of files are common (a test reaching a large import
    cycle), and one Python step per set bit was the largest cost of planning a
    2,000-file tree.
    """
    flags = bin(mask)[:1:-1].translate(_FLAGS).encode("ascii")
    return list(compress(range(len(flags)), flags))


class Members(Sequence[str]):
    """The names of a bit set's nodes, ascending; listed only when first read.

    A plan holds one per step, and a no-op run reads only their sizes.
    """

    def __init__(self, names: Sequence[str], mask: int) -> None:
        self._names = names
        self._mask = mask

    @cached_property
    def _items(self) -> tuple[str, ...]:
        return tuple(map(self._names.__getitem__, bits(self._mask)))

    def __len__(self) -> int:
        return self._mask.bit_count()

    def __getitem__(self, index: int | slice) -> Any:
        return self._items[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._items == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return repr(self._items)


def components(succ: Sequence[Sequence[int]]) -> list[list[int]]:
    """Strongly connected components, each before any component that reaches it."""
    count = len(succ)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for start in range(count):
        if index[start] != -1:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            edges = succ[node]
            while child < len(edges) and index[edges[child]] != -1:
                if on_stack[edges[child]]:
                    low[node] = min(low[node], index[edges[child]])
                child += 1
            if child < len(edges):  # descend into an unvisited successor first
                work.append((node, child + 1))
                work.append((edges[child], 0))
                continue
            if low[node] == index[node]:
                members: list[int] = []
                while not members or members[-1] != node:
                    members.append(stack.pop())
                    on_stack[members[-1]] = False
                found.append(members)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def closures(
    succ: Sequence[Sequence[int]],
    extra: Sequence[int],
    found: Sequence[Sequence[int]] | None = None,
) -> tuple[list[int], list[int]]:
    """Per node: the bit set it follows (itself included), and that plus every extra bit.

    ``found`` is ``components(succ)`` when the caller already has it.
    """
    followed = [0] * len(succ)
    included = [0] * len(succ)
    for members in components(succ) if found is None else found:
        own = 0
        for member in members:
            own |= 1 << member
        follow, include = own, own
        for member in members:
            include |= extra[member]
            for target in succ[member]:
                if not own >> target & 1:
                    follow |= followed[target]
                    include |= included[target]
        for member in members:
            followed[member] = follow
            included[member] = include
    return followed, included


def digests(
    succ: Sequence[Sequence[int]],
    extra: Sequence[int],
    lines: Sequence[str],
    found: Sequence[Sequence[int]] | None = None,
) -> list[str]:
    """Per node: SHA-256 of its component's lines, its extra lines and its successors' digests.

    ``lines[n]`` is what stands for node ``n`` (its path and content digest).
    The digest of a node changes exactly when the line of a node its closure
    includes changes, or when the edges within that closure change.
    ``found`` is ``components(succ)`` when the caller already has it.
    """
    digest_of = [""] * len(succ)
    for members in components(succ) if found is None else found:
        own = set(members)
        parsed = 0
        below: set[str] = set()
        for member in members:
            parsed |= extra[member]
            below.update(digest_of[t] for t in succ[member] if t not in own)
        text = "".join(lines[m] for m in sorted(members))
        text += "\x01" + "".join(lines[n] for n in bits(parsed)) + "\x02" + "".join(sorted(below))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for member in members:
            digest_of[member] = digest
    return digest_of
