"""Sharding the tests over the CI system's matrix: plan, run one part, merge the parts.

* :mod:`~gauntlet.shard.balance` (pure): the split, longest first onto the
  least-loaded shard, and the plan file a retried shard reads its part from;
* :mod:`~gauntlet.shard.durations`: the test files, and their durations from
  the run history;
* :mod:`~gauntlet.shard.execute`: one shard's part, through doit and pytest;
* :mod:`~gauntlet.shard.merge`: the fan-in, every test exactly once.
"""
