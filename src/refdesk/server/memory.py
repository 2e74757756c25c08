"""The process's allocator: how many malloc arenas glibc may create.

glibc gives threads their own malloc arena, up to eight per core. A SQLite server runs every
pooled connection on a thread of its own (aiosqlite), so under load a process grows arenas
that each keep freed memory of their own: on the bench's 10k SQLite run the single process
ended at 171 MB with the default, 158–159 MB with two arenas (``python -m bench``, RSS after
the run). Two arenas keep most of that while SQLite's threads still allocate beside the
interpreter's. ``mallopt`` changes the limit for arenas created afterwards, so ``refdesk
serve`` sets it before it opens any connection, in every worker process.
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8  # glibc's malloc.h


def cap_malloc_arenas(arenas: int) -> bool:
    """Limit glibc's malloc arenas to ``arenas`` (0: leave the default). True when set; False
    elsewhere than Linux/glibc (macOS, musl: no such knob, nothing to do)."""
    if arenas <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
