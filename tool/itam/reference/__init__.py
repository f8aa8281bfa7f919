"""Reference data kept in the registry's ``reference/`` folder: vendors' end-of-support
dates, imported from public sources and reviewed like policies.

``model`` holds the typed values, ``store`` reads and writes the compact files
of ``reference/``, ``endoflife`` reads endoflife.date product files and
``importer`` turns the latter into the former.
"""
