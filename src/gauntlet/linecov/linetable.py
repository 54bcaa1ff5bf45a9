"""The lines a program's DWARF line table has code for, per source file.

A program built with line tables (``mojo build --debug-level line-tables``)
maps every instruction to a file and line.  The lines that appear there for a
project file are the lines the compiler generated code for: the executable
lines of every function the program compiled.  (Mojo compiles lazily: a
function no program reaches has no entries; :mod:`gauntlet.linecov.merge`
takes those from the source.)

File names are spelled as the compiler wrote them, like the tracer's
(:mod:`gauntlet.linecov.callgrind`): an absolute path, or a path relative to
the folder the compiler ran in.  Read with pyelftools, which decodes DWARF
versions 2 to 5 in pure Python: 0.5 s for one of the sample's 6 MB test
programs, where ``objdump --dwarf=decodedline`` prints bare file names in its
rows.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from pathlib import Path


def _text(value: Any) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)


def _file_names(header: Any) -> list[str]:
    """The line program's file table, indexed as its ``file`` register counts.

    DWARF 5 counts files and folders from 0 and lists the compilation folder as
    folder 0; earlier versions count files from 1 and leave folder 0 (the
    compilation folder) out of the list.
    """
    modern = header["version"] >= 5
    folders = [_text(d) for d in header["include_directory"]]
    if not modern:
        folders = ["", *folders]
    names = []
    for entry in header["file_entry"]:
        name = _text(entry.name)
        index = entry.dir_index
        folder = folders[index] if 0 <= index < len(folders) else ""
        names.append(posixpath.join(folder, name) if folder and not name.startswith("/") else name)
    return names if modern else ["", *names]


def line_table(program: Path, wanted: str | tuple[str, ...] = "") -> dict[str, set[int]]:
    """Lines with code per file name in ``program``'s line table.

    ``wanted``: only file names ending with it (``.mojo``, or one of several), to skip the rest
    early.  A file that is not an ELF program, or has no line table, raises
    :class:`ResultError` naming it.
    """
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    found: dict[str, set[int]] = {}
    try:
        with program.open("rb") as stream:
            elf = ELFFile(stream)
            if not elf.has_dwarf_info():
                raise ResultError(
                    f"{program}: no debug line table; it must be built with "
                    "--debug-level line-tables"
                )
            dwarf = elf.get_dwarf_info()
            for unit in dwarf.iter_CUs():
                lines = dwarf.line_program_for_CU(unit)
                if lines is None:
                    continue
                names = _file_names(lines.header)
                for entry in lines.get_entries():
                    state = entry.state
                    if state is None or state.end_sequence or state.line <= 0:
                        continue
                    name = names[state.file] if 0 <= state.file < len(names) else ""
                    if name.endswith(wanted):
                        found.setdefault(name, set()).add(state.line)
    except (ELFError, OSError, ValueError, KeyError) as exc:
        raise ResultError(f"{program}: cannot read its line table: {exc}") from None
    return found
