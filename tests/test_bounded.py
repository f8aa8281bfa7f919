"""Bounded time and output per file, whatever it contains.

Caps are tested as behaviour here; speed is measured by
``benchmarks/bench_hostile.py``. The pathological files run through the CLI in
a subprocess with a timeout, so that a regression fails instead of freezing
the suite.
"""

from __future__ import annotations

import bisect
import difflib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from itam import yamlsafe
from itam.findings import Finding, Severity
from itam.limits import PER_RULE, TOO_MANY, cap_findings, quote, shorten
from itam.schema_messages import MAX_SUGGESTIONS, schema_findings
from itam.schemas import SchemaSet
from itam.suggest import (
    MAX_COMPARED,
    MAX_WORD,
    candidates,
    closest,
    did_you_mean,
    did_you_mean_sorted,
)
from tests.conftest import AS_OF, PROJECT, copy_registry


def finding(rule: str, file: str | None = "a.yaml", **changes: Any) -> Finding:
    return Finding(rule, changes.pop("severity", Severity.ERROR), "m", file=file, **changes)


# -- cap_findings ---------------------------------------------------------------


def test_cap_keeps_the_first_findings_of_each_rule_in_order() -> None:
    findings = [finding("r.one", line=i) for i in range(1, 14)] + [finding("r.two", line=99)]

    capped = cap_findings(findings, per_rule=10)

    assert [f.line for f in capped[:10]] == list(range(1, 11))
    summary = capped[10]
    assert summary.rule == TOO_MANY
    assert summary.message == (
        "3 more findings of r.one on this file are not shown; fix the ones above first"
    )
    assert (summary.file, summary.line) == ("a.yaml", 11)
    assert capped[11].rule == "r.two"
    assert len(capped) == 12


def test_cap_counts_each_file_apart_and_passes_fileless_findings() -> None:
    findings = [finding("r", file=f"{n}.yaml") for n in range(5) for _ in range(3)]
    findings += [finding("r", file=None) for _ in range(5)]

    capped = cap_findings(findings, per_rule=2)

    assert sum(1 for f in capped if f.rule == TOO_MANY) == 5
    assert sum(1 for f in capped if f.file is None) == 5
    assert {f.message for f in capped if f.rule == TOO_MANY} == {
        "1 more finding of r on this file is not shown; fix the ones above first"
    }


def test_the_summary_is_as_severe_as_the_worst_it_replaces() -> None:
    findings = [finding("r", severity=Severity.WARNING) for _ in range(3)]
    findings.append(finding("r", severity=Severity.ERROR))

    [_, summary] = cap_findings(findings, per_rule=1)

    assert summary.severity is Severity.ERROR
    assert summary.blocking


def test_the_summary_blocks_exactly_when_a_finding_it_hides_would() -> None:
    waived = [finding("r", waiver="approved") for _ in range(3)]
    on_base = [finding("r", change="base") for _ in range(3)]

    assert not cap_findings(waived, per_rule=1)[-1].blocking
    assert not cap_findings(on_base, per_rule=1)[-1].blocking
    assert cap_findings([*on_base, finding("r", change="new")], per_rule=1)[-1].blocking


def test_capping_twice_changes_nothing() -> None:
    once = cap_findings([finding("r") for _ in range(30)])
    assert cap_findings(once) == once
    assert len(once) == PER_RULE + 1


def test_values_in_messages_are_cut_with_their_length() -> None:
    assert quote("LT-0001") == "'LT-0001'"
    long = "x" * 5_000
    assert quote(long) == "'" + "x" * 200 + "'… (5,000 characters)"
    assert shorten(long).endswith("… (5,000 characters)")
    assert len(shorten(long)) < 230


# -- suggestions ------------------------------------------------------------------


def test_suggestions_compare_a_bounded_set() -> None:
    ids = [f"LT-{n:05d}" for n in range(100_000)]

    pool = candidates("LT-05000x", ids)

    assert len(pool) <= MAX_COMPARED
    assert "LT-05000" in pool
    assert did_you_mean("LT-05000x", ids) == " (did you mean 'LT-05000'?)"


def test_the_closest_name_is_difflib_s_whatever_the_ties() -> None:
    # A small alphabet makes many names equally close: the tie goes to the
    # name that sorts last, as difflib's nlargest gives it.
    rng = random.Random(7)  # noqa: S311  # reproducible cases, not secrets
    answered = 0
    for _ in range(5000):
        names = ["".join(rng.choices("ab-01", k=rng.randint(0, 7))) for _ in range(20)]
        word = "".join(rng.choices("ab-01", k=rng.randint(0, 7)))
        expected = difflib.get_close_matches(word, names, n=1)
        assert closest(word, names) == (expected[0] if expected else None), (word, names)
        answered += bool(expected)
    assert 1000 < answered < 5000


def test_a_sorted_suggestion_is_difflib_s_over_the_same_window() -> None:
    ids = sorted(f"EMP-{n:06d}" for n in range(0, 24000, 2))
    for word in ("EMP-000101", "EMP-01234x", "EMP-954321", "EMP-", "emp-000100", "XYZ"):
        at = bisect.bisect_left(ids, word)
        low = max(0, min(at - MAX_COMPARED // 2, len(ids) - MAX_COMPARED))
        expected = difflib.get_close_matches(word, ids[low : low + MAX_COMPARED], n=1)
        hint = f" (did you mean {quote(expected[0])}?)" if expected else ""
        assert did_you_mean_sorted(word, ids) == hint, word


def test_no_suggestion_for_a_word_longer_than_any_name() -> None:
    assert did_you_mean("warranty" + "x" * MAX_WORD, ["warranty"]) == ""
    assert did_you_mean("warrenty", ["warranty"]) == " (did you mean 'warranty'?)"


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet(PROJECT / "schemas", PROJECT)


def laptop(*lines: str) -> yamlsafe.Document:
    head = ("id: LT-9", "kind: laptop", "name: Test laptop", "status: in-stock", "model: m-1")
    text = "\n".join((*head, *lines)) + "\n"
    return yamlsafe.load(text.encode(), "registry/LT-9.yaml")


def explain(schemas: SchemaSet, doc: yamlsafe.Document, per_rule: int = PER_RULE) -> list[Finding]:
    kind = schemas.kind("laptop")
    assert kind is not None
    assert doc.data is not None
    return list(schema_findings(doc, "LT-9", doc.data, kind, per_rule))


def test_suggestions_are_computed_for_a_bounded_number_of_findings(schemas: SchemaSet) -> None:
    doc = laptop(*(f"warrenty{n}: 1" for n in range(3 * MAX_SUGGESTIONS)))

    found = explain(schemas, doc, per_rule=1_000)

    assert len(found) == 3 * MAX_SUGGESTIONS
    hinted = [f for f in found if "did you mean" in f.message]
    assert len(hinted) == MAX_SUGGESTIONS


# -- caps where findings are made -------------------------------------------------


def test_schema_findings_are_capped_per_rule(schemas: SchemaSet) -> None:
    doc = laptop(*(f"extra_{n}: 1" for n in range(25)), "memory_gb: lots", "storage_gb: 1 TB")

    found = explain(schemas, doc)

    unknown = [f for f in found if f.rule == "schema.unknown-field"]
    assert [f.path for f in unknown] == [f"/extra_{n}" for n in range(PER_RULE)]
    [summary] = [f for f in found if f.rule == TOO_MANY]
    assert summary.message.startswith("15 more findings of schema.unknown-field on this file")
    assert summary.severity is Severity.ERROR
    assert summary.line == 6 + PER_RULE
    assert {f.rule for f in found} == {"schema.unknown-field", TOO_MANY, "schema.type"}


def test_schema_explanation_stops_early_on_a_huge_list(schemas: SchemaSet) -> None:
    doc = laptop("tags: [" + ", ".join(f"Bad{n}" for n in range(50_000)) + "]")

    found = explain(schemas, doc)

    patterns = [f for f in found if f.rule == "schema.pattern"]
    assert len(patterns) == PER_RULE
    [summary] = [f for f in found if f.rule == TOO_MANY]
    assert summary.message.startswith("at least ")
    assert "more findings of schema.pattern" in summary.message


def test_loader_findings_are_capped_with_a_summary() -> None:
    hidden = "".join(f"k{n}: C\u200bX\n" for n in range(12))
    text = "id: LT-9\n" + "notes: again\n" * 25 + "name: x\n" + hidden
    doc = yamlsafe.load(text.encode(), "registry/LT-9.yaml")

    rules = [f.rule for f in doc.findings]

    assert rules.count("yaml.duplicate-key") == PER_RULE
    assert rules.count("yaml.invisible-character") == PER_RULE
    summaries = {f.message.split(" on ")[0]: f for f in doc.findings if f.rule == TOO_MANY}
    assert set(summaries) == {
        "14 more findings of yaml.duplicate-key",
        "2 more findings of yaml.invisible-character",
    }
    assert summaries["14 more findings of yaml.duplicate-key"].line == 2 + PER_RULE + 1
    assert all(f.severity is Severity.ERROR for f in summaries.values())


# -- no hang, through the CLI --------------------------------------------------------


def _ip(stem: str) -> str:
    return f"id: {stem}\nkind: laptop\nname: L\nnetwork:\n  ip_addresses: ['{':' * 100_000}!']\n"


def _email(stem: str) -> str:
    return f"id: {stem}\nkind: person\nname: P\nemail: 'a@{'a.' * 100_000}@'\n"


def _keys(stem: str) -> str:
    return f"id: {stem}\nkind: laptop\nname: L\n" + "".join(f"k{n}:\n" for n in range(100_000))


def _lookalikes(stem: str) -> str:
    return f"id: {stem}\nkind: laptop\nname: L\n" + "".join(
        f"warrenty{n}: 1\n" for n in range(50_000)
    )


PATHOLOGICAL = {"HX-ip": _ip, "HX-email": _email, "HX-keys": _keys, "HX-lookalikes": _lookalikes}


@pytest.fixture(scope="module")
def pathological(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Findings per hostile file, from one ``itam validate`` that must finish."""
    root = copy_registry(tmp_path_factory.mktemp("pathological"), with_git=False)
    folder = root / "registry" / "hostile"
    folder.mkdir()
    for stem, text in PATHOLOGICAL.items():
        (folder / f"{stem}.yaml").write_text(text(stem), encoding="utf-8")
    command = [sys.executable, "-m", "itam", "validate", "--root", str(root), "--as-of", AS_OF]
    env = {k: v for k, v in os.environ.items() if k != "ITAM_DEBUG"}
    try:
        done = subprocess.run(
            [*command, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("itam validate did not finish within 120 s on the pathological files")
    assert done.returncode == 1, done.stderr
    found: dict[str, list[dict[str, Any]]] = {stem: [] for stem in PATHOLOGICAL}
    for item in json.loads(done.stdout)["findings"]:
        stem = Path(item["file"] or "").stem
        if stem in found:
            found[stem].append(item)
    return found


def rules_of(findings: list[dict[str, Any]]) -> list[str]:
    return sorted(f["rule"] for f in findings)


def test_a_long_ip_address_is_too_long_and_malformed(
    pathological: dict[str, list[dict[str, Any]]],
) -> None:
    found = pathological["HX-ip"]
    assert {"schema.max-length", "schema.pattern"} <= set(rules_of(found))
    assert all(len(f["message"]) < 600 for f in found), found


def test_a_long_email_is_too_long_and_malformed(
    pathological: dict[str, list[dict[str, Any]]],
) -> None:
    found = pathological["HX-email"]
    assert {"schema.max-length", "schema.pattern"} <= set(rules_of(found))
    assert all(len(f["message"]) < 600 for f in found), found


def test_a_file_of_many_keys_yields_a_bounded_report(
    pathological: dict[str, list[dict[str, Any]]],
) -> None:
    found = pathological["HX-keys"]
    assert rules_of(found).count("schema.unknown-field") == PER_RULE
    [summary] = [f for f in found if f["rule"] == TOO_MANY]
    assert summary["message"].startswith(f"{100_000 - PER_RULE:,} more findings")
    assert len(found) < 20


def test_many_near_misses_get_few_suggestions(
    pathological: dict[str, list[dict[str, Any]]],
) -> None:
    found = pathological["HX-lookalikes"]
    unknown = [f for f in found if f["rule"] == "schema.unknown-field"]
    assert len(unknown) == PER_RULE
    assert all("did you mean 'warranty'" in f["message"] for f in unknown)
