"""Near-duplicate detection on hand-made articles: syndicated copies and rewrites join one story."""

from __future__ import annotations

from pathlib import Path

from eventwire.model import Article
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from eventwire.store.dedup import cluster, shingles

ORIGINAL = (
    "The foreign ministers of the two neighbouring countries met in the capital on Tuesday to discuss the "
    "reopening of the border crossing that was closed after the floods last spring. Officials said the talks "
    "covered customs checks, the repair of the bridge over the river and the return of the trucks stranded on "
    "both sides. A joint committee will report within a month, the ministry spokesman told reporters after "
    "the meeting, adding that the two governments hoped to restore trade to its earlier level before winter. "
    "Traders in the border towns welcomed the news but said they had heard such promises before."
)
SYNDICATED = "Border talks resume\n\n" + ORIGINAL + " (Reporting by the wire desk; editing by the night team.)"
# A rewrite: some words changed, one sentence dropped.
REWRITE = (ORIGINAL.replace("on Tuesday", "this week").replace("told reporters", "said")
           .replace("Traders in the border towns welcomed the news but said they had heard such promises before.",
                    "").replace("floods last spring", "spring floods"))
SAME_TOPIC = (
    "Trucks are still stranded at the closed border crossing, drivers said on Wednesday, as the two "
    "governments argue over who should pay for the bridge. The river rose again overnight and customs "
    "officers left their posts. Drivers complained of the cold and the lack of food, and one said he had been "
    "waiting for three weeks with a load of fruit that was now rotting."
)


def test_shingles_ignore_case_and_punctuation() -> None:
    assert shingles("The talks, resumed. THE TALKS resumed") == {
        b"the talks resumed", b"talks resumed the", b"resumed the talks"}
    assert shingles("two words") == {b"two words"}
    assert shingles("  ") == set()


def test_cluster_links_copies_and_rewrites_to_the_earliest_article() -> None:
    stories = cluster([("a-original", ORIGINAL), ("b-syndicated", SYNDICATED), ("c-rewrite", REWRITE),
                       ("d-other", SAME_TOPIC)])
    assert stories["a-original"] == ("a-original", 1.0)
    assert stories["b-syndicated"][0] == "a-original"
    assert stories["b-syndicated"][1] > 0.8
    assert stories["c-rewrite"][0] == "a-original"
    assert 0.5 <= stories["c-rewrite"][1] < 1.0
    assert stories["d-other"] == ("d-other", 1.0)


def _article(article_id: str, text: str, published: str, outlet: str) -> Article:
    return Article(id=article_id, text=text, published=published, outlet=outlet,
                   url=f"https://{outlet.lower()}.example/{article_id}")


def test_stories_table_is_ordered_by_publication_not_ingest(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        # The copy is ingested first but published later: the story is still named after the original.
        store.write_batch([_article("zz-copy", SYNDICATED, "2020-03-04", "Wire")])
        store.write_batch([_article("aa-other", SAME_TOPIC, "2020-03-02", "Herald"),
                           _article("mm-original", ORIGINAL, "2020-03-03", "Times")])
        refresh_derived(store.con)
        rows = store.con.execute(
            "SELECT article_id, story_id, story_size FROM stories ORDER BY article_id").fetchall()
        assert rows == [("aa-other", "aa-other", 1), ("mm-original", "mm-original", 2),
                        ("zz-copy", "mm-original", 2)]
        # Refreshing again gives the same table (no duplicated rows).
        refresh_derived(store.con)
        assert store.con.execute("SELECT count(*) FROM stories").fetchone()[0] == 3
