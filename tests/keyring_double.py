"""OS keyrings for tests, so that no test reads or writes the real one.

`MemoryKeyring` holds entries in a dict (`keyring.set_keyring(MemoryKeyring())` in a
fixture); `FileKeyring` keeps them in the JSON file named by $GROWTHMAP_TEST_KEYRING, for
a `growthmap` subprocess started with PYTHON_KEYRING_BACKEND=keyring_double.FileKeyring
(and this folder on its PYTHONPATH). `LockedKeyring` refuses everything, as a locked
Secret Service collection does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

FILE_ENV = "GROWTHMAP_TEST_KEYRING"


class MemoryKeyring(KeyringBackend):
    priority = 1  # never chosen by keyring: tests set it

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class FileKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.path = Path(os.environ[FILE_ENV])
        if self.path.exists():
            stored = json.loads(self.path.read_text())
            self.entries = {(s, u): p for s, u, p in stored}

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        self._save()

    def delete_password(self, service: str, username: str) -> None:
        super().delete_password(service, username)
        self._save()

    def _save(self) -> None:
        self.path.write_text(json.dumps([[s, u, p] for (s, u), p in self.entries.items()]))


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the collection is locked")
