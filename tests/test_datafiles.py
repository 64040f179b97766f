"""The one reader of the package's data files (eventwire.datafiles) and the rule that each file says what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

import eventwire
from eventwire.datafiles import numbered_rows, read_rows, read_words
from eventwire.errors import DataFileError, DictionaryFormatError

PACKAGE = Path(eventwire.__file__).resolve().parent


def write(tmp_path: Path, text: str, name: str = "table.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_comments_blanks_and_surrounding_blanks_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "# What the table holds.\n# Format: word, class.\n\n  # an indented comment\n"
                           "Alpha \t one\n\t\n beta\ttwo\r\n")
    assert list(read_rows(path, 2)) == [("Alpha", "one"), ("beta", "two")]
    assert list(numbered_rows(path, 2)) == [(5, ("Alpha", "one")), (7, ("beta", "two"))]
    assert list(read_rows(path, 2, lower=True)) == [("alpha", "one"), ("beta", "two")]


def test_a_row_with_the_wrong_number_of_fields_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# header\nword\tclass\na\tb\nc\n")
    with pytest.raises(DataFileError) as caught:
        list(read_rows(path, 2, header=True, names=("word", "class")))
    assert caught.value.path == str(path)
    assert caught.value.line == 4
    assert str(caught.value) == f"{path}:4: expected 2 tab-separated fields (word, class), found 1"
    # Callers that already catch the older, broader type keep catching it.
    assert isinstance(caught.value, DictionaryFormatError)


def test_optional_trailing_columns_and_collected_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "# header\na\tb\nc\td\te\nf\tg\th\ti\tj\nk\n")
    errors: list[DictionaryFormatError] = []
    rows = list(numbered_rows(path, range(2, 5), errors=errors))
    assert rows == [(2, ("a", "b")), (3, ("c", "d", "e"))]
    assert [(e.line, e.reason) for e in errors] == [(4, "expected 2 to 4 tab-separated fields, found 5"),
                                                    (5, "expected 2 to 4 tab-separated fields, found 1")]
    with pytest.raises(DataFileError, match=r":3: expected 2 or 4 tab-separated fields, found 3"):
        list(read_rows(path, (2, 4)))


def test_header_rows_without_a_hash(tmp_path: Path) -> None:
    path = write(tmp_path, "# header\nlemma\tsector\nmayor\tGOV\n")
    assert list(read_rows(path, 2, header=True)) == [("mayor", "GOV")]
    assert list(read_rows(path, 2, header="lemma")) == [("mayor", "GOV")]
    # A named header is optional: a file without it loses no row.
    assert list(read_rows(path, 2, header="phrase")) == [("lemma", "sector"), ("mayor", "GOV")]


def test_inline_comments_only_when_asked(tmp_path: Path) -> None:
    path = write(tmp_path, "# a word list\nAlpha  # kept for a reason\n# gone\nbe#ta\n", name="words.txt")
    assert read_words(path, inline_comments=True, lower=True) == ["alpha", "be"]
    assert read_words(path) == ["Alpha  # kept for a reason", "be#ta"]


def test_read_words_refuses_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "# a word list\nword\n\nword\tclass\n", name="words.txt")
    with pytest.raises(DataFileError, match=r"words.txt:4: expected one entry a line \(no tab\), found 2"):
        read_words(path)


def test_read_words_on_a_shipped_list() -> None:
    assert read_words(PACKAGE / "nlp" / "data" / "calendar_names.txt")[:3] == ["Monday", "Tuesday", "Wednesday"]
    assert read_words(PACKAGE / "watch" / "data" / "tracking_params.txt")[:2] == ["utm_*", "fbclid"]


def data_files(root: Path) -> list[Path]:
    """The knowledge files under ``root``: tables and lists directly in a ``data`` folder (not the sample articles
    of ``data/sample``)."""
    return sorted(path for path in root.rglob("*") if path.parent.name == "data" and path.suffix in (".tsv", ".txt"))


def undocumented(root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in data_files(root)
            if not path.read_text(encoding="utf-8-sig").startswith("#")]


def test_every_data_file_starts_by_saying_what_it_holds(tmp_path: Path) -> None:
    assert len(data_files(PACKAGE)) > 50  # the search finds the stages' data directories
    assert undocumented(PACKAGE) == []
    (tmp_path / "stage" / "data").mkdir(parents=True)
    write(tmp_path / "stage" / "data", "# Words.\nword\n", name="said.txt")
    write(tmp_path / "stage" / "data", "word\tclass\n", name="unsaid.tsv")
    assert undocumented(tmp_path) == ["stage/data/unsaid.tsv"]

