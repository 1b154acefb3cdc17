"""Source tokens in the OS keyring (the macOS Keychain, the Windows Credential Locker,
the Secret Service or KWallet on Linux), through the `keyring` library.

A token is stored under the service `growthmap:<source name>@<host of base_url>`, user
`token`. The name tells two accounts on one server apart (`github-work`, `github-oss`);
the host ties the token to the server that issued it, so a base_url edited to point at
another server never sends that server the first one's token: it finds none there.

The keyring is asked only for enabled sources whose environment variable is unset (the
environment wins), and only then is `keyring` imported (it loads its backends, ~0.2 s).
A token found is remembered for the process, as an environment variable is fixed for
it: the connector that sends it and the `Redactor` that masks it see the same value,
and a keychain that asks the user for access asks once. A running daemon sees a changed
token when restarted; a miss is asked again, so a keyring unlocked after the daemon
started is found by its next run.

A machine without a keyring (a server, a container, CI) is no error when reading: it
holds no token. Storing there is refused with the way out, the environment variable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from collector.core.errors import UsageError
from connectors.base import SourceConfig

log = logging.getLogger("growthmap")

USER = "token"  # a keyring entry is (service, user); the service names the source
KEYRING = "the OS keyring"
NO_KEYRING = "this machine has no OS keyring"

_found: dict[str, str] = {}  # service -> token, for this process


@dataclass(frozen=True)
class KeyringAnswer:
    token: str | None  # as stored; the reader strips and checks it
    problem: str | None = None  # why the keyring could not be asked (none here, locked)


class KeyringUnavailable(UsageError):
    """A token cannot be stored in (or removed from) the keyring on this machine."""


def _cannot_store(source: SourceConfig, reason: str) -> KeyringUnavailable:
    return KeyringUnavailable(
        f"source {source.name!r}: {reason}, so the token cannot be kept there: put it in "
        f"the environment variable {source.token_env} instead; nothing was stored"
    )


def _cannot_delete(source: SourceConfig, reason: str) -> KeyringUnavailable:
    return KeyringUnavailable(f"source {source.name!r}: {reason}; nothing was removed")


def service_name(source: SourceConfig) -> str:
    base = source.base_url.strip()
    host = urlsplit(base).netloc.lower() or base  # a base_url never holds user:password@
    return f"growthmap:{source.name}@{host}"


def keyring_token(source: SourceConfig) -> KeyringAnswer:
    """The token the keyring holds for an enabled source (None for a disabled one: it is
    never collected, and asking would cost every command the keyring's start-up)."""
    if not source.enabled:
        return KeyringAnswer(None)
    service = service_name(source)
    if service in _found:
        return KeyringAnswer(_found[service])
    answer = _read(service)
    if answer.token:
        _found[service] = answer.token
    return answer


def _read(service: str) -> KeyringAnswer:
    backend, problem = _backend()
    if backend is None:
        return KeyringAnswer(None, problem)
    try:
        return KeyringAnswer(backend.get_password(service, USER))
    except Exception as exc:  # backends fail in their own ways (D-Bus gone, locked)
        log.debug("the OS keyring could not be read for %s: %r", service, exc)
        return KeyringAnswer(None, f"{KEYRING} could not be read ({_reason(exc)})")


def _backend() -> tuple[Any, str | None]:
    """The keyring's backend, or None and why there is none to use."""
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring configuration: as good as none
        return None, f"{KEYRING} cannot be used ({_reason(exc)})"
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None, NO_KEYRING
    return backend, None


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def check_keyring(source: SourceConfig) -> Any:
    """The keyring's backend; KeyringUnavailable when this machine has none to keep the
    source's token (said before a token is asked for, not after it was typed)."""
    backend, problem = _backend()
    if backend is None:
        raise _cannot_store(source, problem or NO_KEYRING)
    return backend


def store_token(source: SourceConfig, token: str) -> str:
    """Store `token` for `source` and read it back; the keyring's name. KeyringUnavailable
    when there is none, or it refuses or loses the token."""
    backend = check_keyring(source)
    service = service_name(source)
    try:
        backend.set_password(service, USER, token)
        kept = backend.get_password(service, USER)
    except Exception as exc:  # a locked or refusing keyring: said, with the way out
        raise _cannot_store(source, f"{KEYRING} refused it ({_reason(exc)})") from None
    if kept != token:
        raise _cannot_store(source, f"{KEYRING} ({backend.name}) did not keep it")
    _found[service] = token
    return str(backend.name)


def delete_token(source: SourceConfig) -> bool:
    """Remove the source's token from the keyring; whether there was one."""
    backend, problem = _backend()
    if backend is None:
        raise _cannot_delete(source, problem or NO_KEYRING)
    service = service_name(source)
    _found.pop(service, None)
    try:
        if backend.get_password(service, USER) is None:
            return False
        backend.delete_password(service, USER)
    except Exception as exc:
        raise _cannot_delete(source, f"{KEYRING} refused ({_reason(exc)})") from None
    return True


def forget_tokens() -> None:
    """Forget the tokens read so far (tests; each starts with a keyring of its own)."""
    _found.clear()
