"""The ``refdesk`` commands, one module per noun (wired together in :mod:`refdesk.cli.main`).

Daily work over the API, through the SDK's typed helpers only (never a hand-built path):
:mod:`.login` (login, profiles), :mod:`.sites`, :mod:`.games`, :mod:`.assignments`,
:mod:`.availability`, :mod:`.statements`. Server-side work, importing the server inside the
command: :mod:`.serve`, :mod:`.db`, :mod:`.demo`, :mod:`.admin`.
"""
