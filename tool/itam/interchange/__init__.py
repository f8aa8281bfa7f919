"""Interop with other systems: entities in from their exports, out to theirs.

* ``importer`` (with ``snipeit``, ``mapped`` and the ``import_*`` modules):
  a CSV export (Snipe-IT's, or any other through a map in ``maps/``) into
  registry entities, judged against the whole registry before anything is
  written; idempotent, keyed on a field such as the asset tag.
* ``export``: flat inventory rows as CSV, JSON or JSON Lines.
* ``reconcile``: a discovery export compared with the registry.

Reading a CSV as real exports come (BOMs, odd line endings, bad bytes,
duplicate headers) is ``itam.tabular``'s job, shared by all of them.
"""
