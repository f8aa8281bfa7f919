"""The safe loader: every hostile file becomes a finding at its line, and every
value stays what was written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from itam import yamlsafe
from itam.yamlsafe import MAX_FILE_BYTES, Document
from tests.hostile_inputs import EXPECTED, FIXTURES, GENERATED, hostile_files

HOSTILE = hostile_files()


def load_text(text: str) -> Document:
    return yamlsafe.load(text.encode(), "asset.yaml")


def value_of(text: str) -> Any:
    """The value of ``value: <text>`` as the loader reads it, with no findings."""
    doc = load_text(f"value: {text}\n")
    assert doc.findings == []
    assert doc.data is not None
    return doc.data["value"]


# -- hostile files -------------------------------------------------------------


def test_every_hostile_file_has_an_expectation() -> None:
    assert sorted(HOSTILE) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_its_finding_at_its_line(name: str) -> None:
    expected = EXPECTED[name]
    doc = yamlsafe.load(HOSTILE[name], f"registry/hostile/{name}")

    if expected.rule is None:
        assert doc.findings == []
        assert doc.data is not None
        return
    assert {f.rule for f in doc.findings} == {expected.rule}, doc.findings
    first = min(doc.findings, key=lambda f: f.line or 0)
    assert first.line == expected.line
    assert first.severity == expected.severity
    assert all(f.file == f"registry/hostile/{name}" for f in doc.findings)
    assert all(f.message for f in doc.findings)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_data_of_a_hostile_file_is_plain_json(name: str) -> None:
    """Whatever survives a finding is plain data: no shared or cyclic objects, no NaN."""
    doc = yamlsafe.load(HOSTILE[name], name)
    if doc.data is not None:
        json.dumps(doc.data, allow_nan=False)


def test_duplicate_key_keeps_the_first_value() -> None:
    doc = yamlsafe.load((FIXTURES / "duplicate-key.yaml").read_bytes(), "duplicate-key.yaml")
    assert doc.data is not None
    assert doc.data["serial"] == "C02XK1JHJG5H"
    assert doc.data["status"] == "deployed"


def test_duplicate_key_in_a_nested_mapping_keeps_the_first_value() -> None:
    doc = yamlsafe.load((FIXTURES / "duplicate-key-nested.yaml").read_bytes(), "nested.yaml")
    assert doc.data is not None
    assert doc.data["network"] == {"hostname": "lt-0042", "mac_addresses": ["10:20:30:40:50:5a"]}
    [finding] = doc.findings
    assert (finding.line, finding.column) == (7, 3)
    assert "hostname" in finding.message


def test_duplicate_keys_in_list_items_are_found() -> None:
    doc = load_text("items:\n  - serial: A\n    serial: B\n  - serial: C\n")
    assert doc.data == {"items": [{"serial": "A"}, {"serial": "C"}]}
    assert [(f.rule, f.line, f.column) for f in doc.findings] == [("yaml.duplicate-key", 3, 5)]


def test_quoted_and_plain_spellings_of_a_key_are_duplicates() -> None:
    doc = load_text("on: x\n'on': y\n")
    assert doc.data == {"on": "x"}
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.duplicate-key", 2)]


def test_merge_key_is_not_merged() -> None:
    doc = yamlsafe.load((FIXTURES / "merge-key.yaml").read_bytes(), "merge-key.yaml")
    assert doc.data is not None
    assert "status" not in doc.data
    assert "owner" not in doc.data
    assert "<<" not in doc.data


def test_null_key_is_dropped() -> None:
    doc = yamlsafe.load((FIXTURES / "null-key.yaml").read_bytes(), "null-key.yaml")
    assert doc.data is not None
    assert set(doc.data) == {"id", "kind", "name"}


@pytest.mark.parametrize(
    ("name", "key", "plain_value"),
    [
        ("python-object-apply-tag.yaml", "notes", ["touch /tmp/itam-pwned"]),
        ("python-name-tag.yaml", "notes", ""),
        ("binary-tag.yaml", "notes", "aXRhbQ=="),
        ("omap-tag.yaml", "network", [{"hostname": "lt-0042"}]),
        ("set-tag.yaml", "tags", {"docking": None, "loaner": None}),
        ("custom-tag.yaml", "serial", "C02XK1JHJG7Q"),
    ],
)
def test_tagged_values_stay_plain_data(name: str, key: str, plain_value: Any) -> None:
    """A tag is reported and ignored: no bytes, tuples, sets or Python objects."""
    doc = yamlsafe.load((FIXTURES / name).read_bytes(), name)
    assert doc.data is not None
    assert doc.data[key] == plain_value
    assert type(doc.data[key]) is type(plain_value)


def test_tag_finding_names_the_tag() -> None:
    doc = yamlsafe.load((FIXTURES / "python-name-tag.yaml").read_bytes(), "python-name-tag.yaml")
    [finding] = doc.findings
    assert "!!python/name:os.system" in finding.message


def test_two_documents_refuse_the_whole_file() -> None:
    doc = yamlsafe.load((FIXTURES / "two-documents.yaml").read_bytes(), "two-documents.yaml")
    assert doc.data is None


def test_explicit_document_markers_around_one_document_are_fine() -> None:
    doc = load_text("---\nid: lt-0042\n...\n")
    assert doc.findings == []
    assert doc.data == {"id": "lt-0042"}


def test_document_after_an_end_marker_is_a_second_document() -> None:
    doc = load_text("id: lt-0042\n...\n---\nid: lt-0043\n")
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.multiple-documents", 3)]


def test_zero_width_and_bidi_characters_are_each_reported() -> None:
    doc = yamlsafe.load(GENERATED["zero-width-and-bidi.yaml"], "zw.yaml")
    found = [(f.line, f.column, f.severity) for f in doc.findings]
    assert found == [(3, 12, "error"), (4, 7, "error")]
    assert "U+200B" in doc.findings[0].message
    assert "U+202E" in doc.findings[1].message


def test_nbsp_is_a_warning_and_the_file_still_loads() -> None:
    doc = yamlsafe.load(GENERATED["nbsp.yaml"], "nbsp.yaml")
    assert doc.data is not None
    assert doc.data["name"] == "MacBook\u00a0Pro"


def test_invalid_utf8_finding_names_the_byte_and_column() -> None:
    doc = yamlsafe.load(GENERATED["invalid-utf8-byte.yaml"], "bad.yaml")
    [finding] = doc.findings
    assert (finding.line, finding.column) == (3, 10)
    assert "0xff" in finding.message


def test_bom_at_start_loads_cleanly_with_true_positions() -> None:
    doc = yamlsafe.load(GENERATED["bom-at-start.yaml"], "bom.yaml")
    assert doc.data == {"id": "bom-at-start", "kind": "laptop", "name": "BOM laptop"}
    assert doc.locate("/id") == (1, 1)
    assert doc.locate("/name") == (3, 1)


def test_crlf_loads_cleanly_without_carriage_returns() -> None:
    doc = yamlsafe.load(GENERATED["crlf-line-endings.yaml"], "crlf.yaml")
    assert doc.data is not None
    assert doc.data["name"] == "CRLF laptop"
    assert doc.data["notes"] == "line one\nline two\n"
    assert doc.locate("/notes") == (4, 1)


def test_bom_after_the_start_stops_the_file() -> None:
    doc = yamlsafe.load(GENERATED["bom-in-middle.yaml"], "bom.yaml")
    assert doc.data is None


def test_too_large_file_is_refused_before_parsing() -> None:
    source = GENERATED["too-large.yaml"]
    assert len(source) > MAX_FILE_BYTES
    doc = yamlsafe.load(source, "big.yaml")
    assert doc.data is None
    assert [f.rule for f in doc.findings] == ["file.too-large"]


def test_file_of_exactly_the_cap_is_parsed() -> None:
    head = b"id: lt-0042\nkind: laptop\n"
    source = head + b"#" * (MAX_FILE_BYTES - len(head) - 1) + b"\n"
    assert len(source) == MAX_FILE_BYTES
    doc = yamlsafe.load(source, "at-cap.yaml")
    assert doc.findings == []
    assert doc.data == {"id": "lt-0042", "kind": "laptop"}


def test_too_large_file_finding_has_a_line() -> None:
    doc = yamlsafe.load(GENERATED["too-large.yaml"], "big.yaml")
    assert [f.line for f in doc.findings] == [1]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("[" * 5000, 1, 33),
        ("{a: " * 5000, 1, 129),
        ("- " * 5000, 1, 65),
        ("".join(f"{' ' * depth}k:\n" for depth in range(100)), 33, 33),
    ],
    ids=["flow-lists", "flow-mappings", "block-lists", "block-mappings"],
)
def test_deep_nesting_is_capped(text: str, line: int, column: int) -> None:
    doc = load_text(text)
    assert doc.data is None
    assert [(f.rule, f.line, f.column) for f in doc.findings] == [("yaml.too-deep", line, column)]


def test_nesting_up_to_the_cap_is_fine() -> None:
    depth = yamlsafe.MAX_DEPTH - 1
    doc = load_text("notes: " + "[" * depth + "]" * depth)
    assert doc.findings == []


@pytest.mark.parametrize(
    "text",
    ["2023-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31"],
)
def test_impossible_plain_dates_are_reported(text: str) -> None:
    doc = load_text(f"id: lt-0042\nwarranty_end: {text}\n")
    assert doc.data is not None
    assert doc.data["warranty_end"] == text
    assert [(f.rule, f.line, f.column) for f in doc.findings] == [("yaml.invalid-date", 2, 15)]
    assert text in doc.findings[0].message


def test_impossible_quoted_date_is_text_for_the_schema_to_judge() -> None:
    name = "impossible-date-quoted.yaml"
    doc = yamlsafe.load((FIXTURES / name).read_bytes(), name)
    assert doc.findings == []
    assert doc.data is not None
    assert doc.data["warranty"] == {"end": "2023-02-30"}


def test_leap_day_is_a_real_date() -> None:
    assert value_of("2024-02-29") == "2024-02-29"


@pytest.mark.parametrize("text", ["? [a, b]\n: x\n", "{a: 1}: x\n", "? - a\n: x\n"])
def test_complex_keys_stop_the_file(text: str) -> None:
    doc = load_text(text)
    assert doc.data is None
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.complex-key", 1)]


@pytest.mark.parametrize("key", ["~", "null", "NULL", "Null"])
def test_null_keys_are_empty_keys(key: str) -> None:
    doc = load_text(f"id: lt-0042\n{key}: x\n")
    assert doc.data == {"id": "lt-0042"}
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.empty-key", 2)]


def test_quoted_tilde_is_a_real_key() -> None:
    doc = load_text("'~': x\n")
    assert doc.findings == []
    assert doc.data == {"~": "x"}


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: *nowhere\n", 1), ("a: &x 1\nb: 2\n*x : y\n", 1), ("id: x\nowner: &who alice\n", 2)],
    ids=["undefined-alias", "alias-as-key", "lone-anchor"],
)
def test_any_anchor_or_alias_stops_the_file(text: str, line: int) -> None:
    doc = load_text(text)
    assert doc.data is None
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.alias", line)]


def test_syntax_error_names_its_place() -> None:
    name = "bad-indentation.yaml"
    doc = yamlsafe.load((FIXTURES / name).read_bytes(), name)
    [finding] = doc.findings
    assert (finding.line, finding.column) == (6, 3)


# -- values stay what was written ----------------------------------------------

PLAIN_VALUES: list[tuple[str, Any]] = [
    ("0012345", "0012345"),
    ("NO", "NO"),
    ("no", "no"),
    ("yes", "yes"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("22:22", "22:22"),
    ("190:20:30", "190:20:30"),
    ("10:20:30:40:50:59", "10:20:30:40:50:59"),
    ("0x1F", "0x1F"),
    ("0o17", "0o17"),
    ("0b101", "0b101"),
    ("1_000", "1_000"),
    ("2024-03-01", "2024-03-01"),
    ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z"),
    (".inf", ".inf"),
    ("-.inf", "-.inf"),
    (".nan", ".nan"),
    (".NaN", ".NaN"),
    ("1e999", "1e999"),
    ("~", None),
    ("null", None),
    ("", None),
    ("true", True),
    ("false", False),
    ("True", True),
    ("12", 12),
    ("0", 0),
    ("-3", -3),
    ("1.5", 1.5),
    # A decimal a float would rewrite stays the text written (PRODUCT.md:
    # "10.10 is not 10.1"); the schemas accept such text where a number belongs.
    ("10.10", "10.10"),
    ("1289.00", "1289.00"),
    ("1e3", "1e3"),
    ("12.5", 12.5),
    ("-0.25", -0.25),
    ("C02XK1JHJG5H", "C02XK1JHJG5H"),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN_VALUES, ids=[repr(t) for t, _ in PLAIN_VALUES])
def test_plain_scalar_keeps_its_meaning(text: str, expected: Any) -> None:
    """YAML 1.2 core schema: only true/false, null, whole numbers and decimals
    that a float keeps exactly are retyped."""
    value = value_of(text)
    assert (value, type(value)) == (expected, type(expected))


QUOTED_TEXTS = [
    "0012345",
    "NO",
    "yes",
    "on",
    "22:22",
    "0x1F",
    "2024-03-01",
    "~",
    "null",
    "",
    "true",
    "12",
    "10.10",
    "1e3",
    ".inf",
]


@pytest.mark.parametrize("quote", ["'", '"'], ids=["single", "double"])
@pytest.mark.parametrize("text", QUOTED_TEXTS, ids=repr)
def test_quoted_scalar_stays_text(text: str, quote: str) -> None:
    assert value_of(f"{quote}{text}{quote}") == text


@pytest.mark.parametrize("text", ["12", "yes", "2024-03-01", "10.10", "null"])
def test_str_tag_keeps_text(text: str) -> None:
    assert value_of(f"!!str {text}") == text


@pytest.mark.parametrize("key", ["on", "off", "yes", "NO", "y", "12", "1.5", "true", "2024-03-01"])
def test_keys_are_always_text(key: str) -> None:
    doc = load_text(f"{key}: x\n")
    assert doc.findings == []
    assert doc.data == {key: "x"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("|\n  line one\n  line two\n", "line one\nline two\n"),
        ("|-\n  line one\n  line two\n", "line one\nline two"),
        (">\n  line one\n  line two\n", "line one line two\n"),
        ("|\n  0012345\n  yes\n  2023-02-30\n", "0012345\nyes\n2023-02-30\n"),
    ],
    ids=["literal", "literal-strip", "folded", "retypable-lines"],
)
def test_block_scalar_keeps_its_text(text: str, expected: str) -> None:
    assert value_of(text) == expected


def test_a_decimal_keeps_what_a_float_would_lose() -> None:
    doc = load_text("os:\n  version: 10.10\n  build: '10.10'\n  speed: 2.5\n")
    assert doc.data == {"os": {"version": "10.10", "build": "10.10", "speed": 2.5}}
    assert doc.raw_text("/os/speed") == "2.5"
    assert doc.raw_text("/os/build") is None
    assert doc.raw_text("/os/missing") is None


# -- positions -----------------------------------------------------------------

POSITIONED = """\
id: lt-0042
kind: laptop
network:
  hostname: lt-0042
  mac_addresses:
    - "10:20:30:40:50:5a"
    - 10:20:30:40:50:5b
tags: [loaner, docking]
a/b~c: 1
"""


@pytest.mark.parametrize(
    ("pointer", "place"),
    [
        ("", (1, 1)),
        ("/id", (1, 1)),
        ("/kind", (2, 1)),
        ("/network", (3, 1)),
        ("/network/hostname", (4, 3)),
        ("/network/mac_addresses", (5, 3)),
        ("/network/mac_addresses/0", (6, 7)),
        ("/network/mac_addresses/1", (7, 7)),
        ("/tags/0", (8, 8)),
        ("/tags/1", (8, 16)),
        ("/a~1b~0c", (9, 1)),
    ],
)
def test_locate_finds_keys_and_list_items(pointer: str, place: tuple[int, int]) -> None:
    assert load_text(POSITIONED).locate(pointer) == place


@pytest.mark.parametrize(
    ("pointer", "place"),
    [
        ("/network/vlan", (3, 1)),
        ("/network/mac_addresses/7", (5, 3)),
        ("/network/hostname/deeper", (4, 3)),
        ("/tags/9", (8, 1)),
        ("/missing/deeper", (1, 1)),
    ],
)
def test_locate_of_a_missing_pointer_falls_back_to_the_nearest_ancestor(
    pointer: str, place: tuple[int, int]
) -> None:
    assert load_text(POSITIONED).locate(pointer) == place


def test_locate_after_a_duplicate_key_points_at_the_kept_value() -> None:
    doc = load_text("id: lt-0042\nserial: A\nserial: B\n")
    assert doc.locate("/serial") == (2, 1)
    assert doc.locate("") == (1, 1)


# -- nothing is ever executed --------------------------------------------------

PYTHON_PAYLOADS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
    "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
    "!!python/object/apply:builtins.exec [\"open('{marker}', 'w').close()\"]",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("payload", PYTHON_PAYLOADS)
def test_python_tags_never_run(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "itam-pwned"
    source = f"id: lt-0042\nkind: laptop\nnotes: {payload.format(marker=marker)}\n".encode()

    doc = yamlsafe.load(source, "pwn.yaml")
    doc.locate("/notes/0")
    doc.raw_text("/notes")

    assert not marker.exists()
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml.tag", 3)]


def test_the_marker_would_show_a_payload_that_ran(tmp_path: Path) -> None:
    """Control: an unsafe loader does run the payload, so the marker check above is live."""
    marker = tmp_path / "itam-pwned"
    source = f"notes: {PYTHON_PAYLOADS[0].format(marker=marker)}\n"
    yaml.load(source, Loader=yaml.UnsafeLoader)  # noqa: S506 - the point of this control
    assert marker.exists()


# -- no hang -------------------------------------------------------------------

_GUARD = """
import json, sys
from pathlib import Path
from itam import yamlsafe
rules = {}
for name in sys.argv[1:]:
    path = Path(name)
    doc = yamlsafe.load(path.read_bytes(), path.name)
    doc.locate("/notes/i/0/0")
    doc.raw_text("/notes")
    rules[path.name] = sorted({f.rule for f in doc.findings})
print(json.dumps(rules))
"""


def test_bracket_megabyte_and_alias_bomb_do_not_hang(tmp_path: Path) -> None:
    """A hang check, not a benchmark: the guard only has to finish."""
    brackets = tmp_path / "brackets.yaml"
    brackets.write_bytes(b"[" * MAX_FILE_BYTES)
    notes = tmp_path / "notes-brackets.yaml"
    notes.write_bytes(b"id: lt-0042\nnotes: " + b"[" * (MAX_FILE_BYTES - 19))
    bomb = FIXTURES / "alias-bomb-9-levels.yaml"
    try:
        done = subprocess.run(
            [sys.executable, "-c", _GUARD, str(brackets), str(notes), str(bomb)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("loading the bracket megabyte or the alias bomb hung")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "brackets.yaml": ["yaml.too-deep"],
        "notes-brackets.yaml": ["yaml.too-deep"],
        "alias-bomb-9-levels.yaml": ["yaml.alias"],
    }


# -- loader bugs found and fixed ------------------------------------------------


@pytest.mark.parametrize(
    "escape",
    ["\\u200b", "\\u202e", "\\ufeff", "\\0", "\\x01", "\\e"],
    ids=["zero-width-space", "rtl-override", "bom", "nul", "x01", "esc"],
)
def test_escaped_hidden_characters_are_reported(escape: str) -> None:
    doc = load_text(f'id: lt-0042\nkind: laptop\nserial: "C02{escape}XK"\n')
    assert [f.line for f in doc.findings] == [3], doc.data


@pytest.mark.parametrize(
    "separator", ["\u2028", "\u2029", "\u0085"], ids=["line-sep", "paragraph-sep", "next-line"]
)
def test_unicode_line_separators_do_not_shift_lines(separator: str) -> None:
    doc = load_text(f"id: lt-0042\nname: 'Mac{separator}Book'\nid: lt-0043\n")
    assert all(f.line is not None and f.line <= 3 for f in doc.findings), doc.findings
    assert any(f.line == 2 for f in doc.findings), doc.findings


def test_huge_integer_stays_text_as_written() -> None:
    digits = "1" * 5000
    doc = load_text("id: lt-0042\nkind: laptop\nserial: " + digits + "\n")
    assert doc.findings == []
    assert doc.data is not None
    assert doc.data["serial"] == digits


def test_a_released_document_keeps_its_data_and_forgets_its_bytes() -> None:
    doc = yamlsafe.load(b"id: LT-1\nkind: laptop\n", "registry/lt-1.yaml")
    assert doc.locate("/kind") == (2, 1)
    doc.release()
    assert doc.source == b""
    assert doc.data == {"id": "LT-1", "kind": "laptop"}
    assert doc.locate("/kind") == (None, None)
