"""The per-test driver's text: which files get one, what it calls, what it keeps."""

from __future__ import annotations

from gauntlet.graph.testdriver import MARK, plan_driver

MAIN_DRIVEN = '''from testing import assert_equal


fn test_one() raises:
    assert_equal(1, 1)


fn test_two[n: Int]() raises:
    assert_equal(n, 2)


fn test_quiet():
    print("  PASS: quiet")


fn main() raises:
    """Runs them all."""
    print("=== suite ===")
    test_one()
    test_two[2]()
    test_two[3]()
    test_one()
    for i in range(2):
        test_one()
    if True:
        print("(set-up)")
    _ = test_quiet()
    test_one(  # a call over
        )
    print("done")
'''


def test_main_driven_file_gets_one_wrapped_call_per_top_level_test_call() -> None:
    driver = plan_driver(MAIN_DRIVEN, std_prefix=False)
    assert driver is not None
    names = [call.name for call in driver.calls]
    assert names == [
        "test_one",
        "test_two[2]",
        "test_two[3]",
        "test_one #2",
        "test_quiet",
        "test_one #3",
    ]
    assert [call.line for call in driver.calls][:3] == [4, 8, 8]
    source = driver.source
    # the file's own lines are kept in place; only main is renamed
    assert source.splitlines()[:15] == MAIN_DRIVEN.splitlines()[:15]
    assert "fn __gauntlet_original_main() raises:" in source
    assert "from os import getenv as __gauntlet_getenv" in source
    tail = source.split("# gauntlet: the per-test driver")[1]
    assert "fn main() raises:" in tail
    assert tail.count(f"{MARK}begin:") == 6
    # the set-up statements and the loop are replayed as they were, unwrapped
    assert '    print("=== suite ===")' in tail
    assert "    for i in range(2):\n        test_one()" in tail
    assert '    if True:\n        print("(set-up)")' in tail
    # a raising test is wrapped in try; a test that cannot raise is not
    assert "            test_two[3]()\n" in tail
    assert "        _ = test_quiet()\n" in tail
    assert tail.index("_ = test_quiet()") < tail.index(f"{MARK}pass:4")
    assert "except __gauntlet_e" not in tail.split(f"{MARK}begin:4")[1].split(f"{MARK}begin:5")[0]


def test_file_without_main_calls_each_argument_free_test() -> None:
    text = (
        "from std.testing import assert_true\n\n"
        "def test_a() raises:\n    assert_true(True)\n\n"
        "def test_b(x: Int) raises:\n    pass\n\n"
        "def test_c[T: AnyType]() raises:\n    pass\n\n"
        "def test_d() -> Bool:\n    return True\n"
    )
    driver = plan_driver(text, std_prefix=True)
    assert driver is not None
    assert [(c.name, c.line) for c in driver.calls] == [("test_a", 3), ("test_d", 12)]
    assert "def main() raises:" in driver.source  # the 1.x spelling: def, raises said
    assert "from std.os import getenv" in driver.source
    assert "_ = test_d()" in driver.source


def test_testsuite_files_and_files_without_test_calls_need_no_driver() -> None:
    suite = (
        "from std.testing import TestSuite\n\ndef test_a() raises:\n    pass\n\n"
        "def main() raises:\n    TestSuite.discover_tests[__functions_in_module()]().run()\n"
    )
    assert plan_driver(suite) is None
    no_tests = "fn main():\n    var x = 1\n    print(x)\n"
    assert plan_driver(no_tests) is None
    indirect = (
        "fn test_a() raises:\n    pass\n\nfn run_all() raises:\n    test_a()\n\n"
        "fn main() raises:\n    run_all()\n"
    )
    assert plan_driver(indirect) is None


def test_strings_and_comments_do_not_confuse_the_statement_split() -> None:
    text = (
        "fn test_a(msg: String) raises:\n    pass\n\n"
        "fn main() raises:\n"
        '    test_a("a ) and ( [ in a string")  # ) comment (\n'
        '    var s = """a triple\n'
        'test_a("not a call")\n'
        '"""\n'
        "    test_a('x')\n"
    )
    driver = plan_driver(text)
    assert driver is not None
    assert [c.name for c in driver.calls] == ["test_a", "test_a #2"]
    assert 'test_a("not a call")\n' in driver.source.split("# gauntlet:")[1]
