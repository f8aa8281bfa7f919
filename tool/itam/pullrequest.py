"""Pull-request mode: which findings did the change bring?

Both revisions are judged under the work tree's schemas and policies, so a
finding counts as new exactly when the change brought it. Each head finding
is marked:

* ``new``: not on the base (change rules' findings always are);
* ``touched``: on the base already, but on an entity the change touches, or in
  a file it changed;
* ``base``: on the base already, on an untouched entity: it does not block; the
  nightly run owns it.

The base judged in full is remembered in the cache (``itam.analysis.runs``);
with it, the head's whole-registry rules judge again only the entities the
change can affect (``itam.affected``), and the rest keep the base's findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from itam.changes import ChangeSet
from itam.findings import Finding


@dataclass(frozen=True, slots=True)
class Revisions:
    """What to compare in pull-request mode: refs as the user gave them."""

    base: str
    head: str | None = None


FindingKey = tuple[str, str, str, str]
"""Rule, entity or file, path, and message where there is no entity."""


def finding_key(finding: Finding) -> FindingKey:
    """What makes two findings the same finding, across revisions or policies."""
    # By rule, entity and place, not by message, so that a count in a message
    # changing does not make a finding new. Findings on no entity (a refused
    # file, a waiver) have only their message to tell them apart.
    if finding.entity is not None:
        return (finding.rule, finding.entity, finding.path, "")
    return (finding.rule, finding.file or "", finding.path, finding.message)


def classify(
    head: list[Finding], before: set[FindingKey], changes: ChangeSet, changed_config: set[str]
) -> list[Finding]:
    """Mark each head finding new, touched or base; findings already marked
    (the change rules' ones are ``new``) keep their mark.

    ``changed_config`` holds the policy and schema files the change edits: a
    waiver finding in such a file is the change's to fix. ``before`` holds
    the ``finding_key`` of every finding on the base.
    """
    touched = changes.touched_ids
    out = []
    for finding in head:
        if finding.change is not None:
            out.append(finding)
            continue
        if finding_key(finding) not in before:
            mark = "new"
        elif (
            finding.entity in touched
            or finding.file in changes.changed_files
            or finding.file in changed_config
        ):
            mark = "touched"
        else:
            mark = "base"
        out.append(finding.with_(change=mark))
    return out
