"""Line coverage of Mojo code: executed lines from a tracer, executable lines from
the programs' line tables and the sources, merged into coverage.py-style reports."""
