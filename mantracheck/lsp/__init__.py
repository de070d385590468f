"""``mantracheck lsp``: a Language Server, so that findings show while people write.

- ``positions``: document offsets <-> LSP positions (UTF-8/16/32 code units);
- ``engines``: the CLI's session per configuration, reloaded when a config file changes;
- ``diagnostics``: findings -> diagnostics, and each rule's link and explanation;
- ``actions``: fixes, suppression comments (tried before they are offered), explanations;
- ``mantra``: scores and sub-scores in a MANTRA file;
- ``server``: the pygls server: documents, when to lint, the worker thread;
- ``handlers``: what it does with each message (imported by the server when it is made).
"""
