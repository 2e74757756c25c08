"""``python -m bench.receiver PORT``: a minimal keep-alive HTTP receiver for ``bench events``.

Answers every POST with ``200 ok`` and counts them; ``GET /count`` returns the count.
Deliberately tiny, so that the figures measure the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

count = 0


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global count
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ValueError):
        while line := await reader.readline():
            method = line.split(b" ", 1)[0]
            length = 0
            while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = raw.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            if method == b"POST":
                count += 1
                body = b"ok"
            else:
                body = str(count).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
