"""Connector plugins installed the way a user installs one, for tests.

A folder on sys.path (or PYTHONPATH, for a `growthmap` subprocess) holding a
`NAME-0.dist-info` with METADATA and entry_points.txt is an installed distribution to
`importlib.metadata`: its `growthmap.connectors` entry points become source types
through the same mechanism as a real plugin's.
"""

from __future__ import annotations

from pathlib import Path

from fakes import memory, slow

FAKE_TYPES = {memory.TYPE: memory.TARGET, slow.TYPE: slow.TARGET}


def write_distribution(folder: Path, name: str, types: dict[str, str]) -> Path:
    """`folder` with a distribution `name` declaring `types` (TYPE -> "module:Class")."""
    info = folder / f"{name}-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0\n")
    lines = "".join(f"{type_name} = {target}\n" for type_name, target in types.items())
    (info / "entry_points.txt").write_text(f"[growthmap.connectors]\n{lines}")
    return folder


def fakes_installed(folder: Path) -> Path:
    """`folder` holding the `fakes` package and a distribution declaring its connectors.
    Only `fakes`: tests/ itself on the path would let its folders (tests/rules,
    tests/connectors) shadow the real packages."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fakes").symlink_to(Path(memory.__file__).parent, target_is_directory=True)
    return write_distribution(folder, "growthmap-test-fakes", FAKE_TYPES)
