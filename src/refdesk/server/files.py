"""Private files: the data directory (0700) and what it holds (0600).

The data directory keeps the SQLite database (personal data, token and secret hashes), the
generated secret key, TLS private keys and ``demo.json`` (plain demo secrets): nothing in it is
for other local users. New files and directories are created private; ones found looser (an
older version, a copy, a restored backup) are tightened, with a warning in the log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger("refdesk.files")

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# SQLite's companions of a database file; it creates them with the database file's mode.
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def tighten(path: Path, mode: int) -> None:
    """Remove every permission bit beyond ``mode`` from an existing path (warn if any)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~mode:
        try:
            os.chmod(path, current & mode)
        except OSError as exc:  # not ours (another owner, read-only mount): say so, go on
            log.warning(
                "%s is readable by other local users (mode %04o) and could not be changed: %s",
                path,
                current,
                exc.strerror,
            )
            return
        log.warning(
            "%s was readable by other local users (mode %04o); changed to %04o",
            path,
            current,
            current & mode,
        )


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700, or tighten it to 0700."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=PRIVATE_DIR)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is subject to the umask; make it exact
        return path
    tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Create an empty ``path`` as 0600 unless it exists; tighten it if it does."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        tighten(path, PRIVATE_FILE)


def warn_if_world_readable(path: Path, what: str) -> None:
    """Warn (never change: the file is the operator's) if every local user can read it."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o007:
        log.warning(
            "%s (%s) is readable by every local user (mode %04o); make it 0600 or 0640",
            path,
            what,
            current,
        )


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None: not SQLite, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def secure_sqlite(url: str) -> None:
    """Before SQLite opens the file: create it 0600 (its ``-wal``/``-shm`` files then get the
    same mode from SQLite), its directory 0700 if missing; tighten any that are looser."""
    path = sqlite_path(url)
    if path is None:
        return
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_SUFFIXES[1:]:
        tighten(path.with_name(path.name + suffix), PRIVATE_FILE)


def secure_data_dir(data_dir: Path) -> None:
    """An existing data directory 0700 and the secrets it may hold 0600 (at every start; what
    is missing is created private when it is first needed)."""
    if not data_dir.is_dir():
        return
    private_dir(data_dir)
    tls = data_dir / "tls"
    if tls.exists():
        private_dir(tls)
        for key in tls.glob("*-key.pem"):
            tighten(key, PRIVATE_FILE)
    for name in ("secret_key", "demo.json"):
        tighten(data_dir / name, PRIVATE_FILE)
