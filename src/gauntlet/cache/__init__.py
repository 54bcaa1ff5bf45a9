"""The shared cache: content-keyed artifacts and results, to and from other machines.

A step's content key (:mod:`gauntlet.graph.plan`) names what it produces on
any machine, so what one clone built another can download instead of
building.  The cache speaks the Bazel remote-cache HTTP protocol, so any
compatible server serves it (bazel-remote, nginx with WebDAV):

* ``GET/PUT <base>/ac/<key>``: the action cache, a
  ``build.bazel.remote.execution.v2.ActionResult`` protobuf naming the
  step's output files by digest (:mod:`.proto`);
* ``GET/PUT <base>/cas/<sha256>``: the content-addressed blobs;
* 404 is a miss.

The default backend is a folder with the same ``ac/`` and ``cas/`` layout
(:mod:`.backends`); :mod:`.store` verifies, signs and counts.
"""
