"""The CSV reader: exports as real ones come, every oddity a problem with its line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from itam.errors import ConfigError
from itam.tabular import parse_table, read_table

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def lines_of(data: bytes) -> list[tuple[int, dict[str, str]]]:
    table = parse_table(data, "t.csv")
    return [(row.line, row.cells) for row in table.rows]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_reads_the_same_rows_on_the_same_lines(eol: bytes) -> None:
    data = eol.join([b"Tag,Name", b"A-1,first", b"A-2,second"])
    assert lines_of(data) == [
        (2, {"Tag": "A-1", "Name": "first"}),
        (3, {"Tag": "A-2", "Name": "second"}),
    ]


def test_a_bom_is_dropped_from_the_first_header() -> None:
    table = parse_table(b"\xef\xbb\xbfTag,Name\nA-1,x", "t.csv")
    assert table.columns == ["Tag", "Name"]
    assert table.column("tag") == "Tag"
    assert table.problems == []


def test_a_quoted_cell_over_several_lines_keeps_the_next_rows_physical_line() -> None:
    data = b'Tag,Notes\nA-1,"one\r\ntwo\nthree"\nA-2,x\n'
    assert lines_of(data) == [
        (2, {"Tag": "A-1", "Notes": "one\r\ntwo\nthree"}),
        (5, {"Tag": "A-2", "Notes": "x"}),
    ]


def test_bytes_that_are_not_utf8_leave_out_only_their_cell_and_name_the_line() -> None:
    data = b"Tag,Location,Name\nA-1,Luts\x89k,laptop\nA-2,Kyiv,phone\n"
    table = parse_table(data, "t.csv")
    first = table.rows[0]
    assert first.cells == {"Tag": "A-1", "Name": "laptop"}
    assert first.undecodable == {"Location": "Luts\\x89k"}
    assert table.rows[1].cells["Location"] == "Kyiv"
    [problem] = table.problems
    assert problem.line == 2
    assert problem.column == "Location"
    assert "\\x89" in problem.message
    assert "UTF-8" in problem.message


def test_a_named_encoding_reads_what_utf8_cannot() -> None:
    table = parse_table(b"Tag,City\nA-1,Z\xfcrich\n", "t.csv", encoding="cp1252")
    assert table.rows[0].cells["City"] == "Zürich"
    assert table.problems == []


def test_a_nul_byte_leaves_out_its_cell() -> None:
    table = parse_table(b"Tag,Name\nA-1,bad\x00name\n", "t.csv")
    assert "Name" not in table.rows[0].cells
    assert "NUL" in table.problems[0].message


def test_repeated_and_empty_headers_are_kept_distinct_and_reported() -> None:
    table = parse_table(b"Category,,Name,category,\nlaptop,x,n,dup,y\n", "t.csv")
    assert table.columns == ["Category", "(column 2)", "Name", "category (2)", "(column 5)"]
    assert table.rows[0].cells["category (2)"] == "dup"
    assert table.column("Category") == "Category"
    messages = [p.message for p in table.problems]
    assert any("columns 1 and 4 are both named 'category'" in m for m in messages)
    assert any("column 2 has no header" in m for m in messages)
    assert all(p.line == 1 for p in table.problems)


def test_ragged_rows_are_read_and_reported() -> None:
    table = parse_table(b"a,b,c\n1,2\n1,2,3,4\n", "t.csv")
    short, long = table.rows
    assert short.get("c") == ""
    assert long.cells["(column 4)"] == "4"
    assert [p.line for p in table.problems] == [2, 3]
    assert "fewer than the 3 columns" in table.problems[0].message


def test_a_malformed_record_is_a_problem_and_reading_goes_on() -> None:
    table = parse_table(b'a,b\n1,"x"y\n3,4\n"open,5\n6,7\n', "t.csv")
    assert [row.line for row in table.rows] == [3]
    assert [p.line for p in table.problems] == [2, 4]
    assert "never closed" in table.problems[1].message


def test_the_delimiter_is_told_from_the_header() -> None:
    assert parse_table(b'"id";"name"\n"7";"London"\n', "t").rows[0].cells == {
        "id": "7",
        "name": "London",
    }
    assert parse_table(b"id\tname\n4\tWarsaw\n", "t").delimiter == "\t"
    # A comma inside a quoted header does not count.
    quoted = parse_table(b'"cf:brand, type:option";x\n1;2\n', "t")
    assert quoted.delimiter == ";"
    assert parse_table(b"sep=;\na;b\n1;2\n", "t").rows[0].line == 3


def test_blank_lines_carry_nothing() -> None:
    assert lines_of(b"\n\nTag\n\nA-1\n,\n") == [(5, {"Tag": "A-1"})]


def test_what_cannot_be_a_table_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no header"):
        parse_table(b"\n \n", "empty.csv")
    with pytest.raises(ConfigError, match="no such file"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(ConfigError, match="folder"):
        read_table(tmp_path)
    big = tmp_path / "big.csv"
    big.write_bytes(b"a\n" + b"1\n" * 100)
    with pytest.raises(ConfigError, match="larger than 50 bytes"):
        read_table(big, max_bytes=50)
    with pytest.raises(ConfigError, match="more than 10 rows"):
        read_table(big, max_rows=10)
    with pytest.raises(ConfigError, match="unknown encoding"):
        parse_table(b"a\n", "t", encoding="klingon")


def test_a_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="cannot read"):
        read_table(fifo)


def test_the_bad_fixture_reads_every_row_with_its_problems() -> None:
    table = read_table(FIXTURES / "snipeit-assets-bad.csv")
    assert [row.line for row in table.rows] == [2, 3, 4, 6]
    assert table.columns.count("Category") == 1
    assert "Category (2)" in table.columns
    assert "(column 14)" in table.columns
    assert {(p.line, p.column) for p in table.problems if p.column} == {(2, "Location")}
