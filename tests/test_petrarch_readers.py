"""The PETRARCH dictionary readers: each construct, malformed lines, and the full Phoenix dictionaries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import shared_path
from eventwire.petrarch import load_dictionaries
from eventwire.petrarch.actors import code_on, read_actor_dictionary
from eventwire.petrarch.agents import read_agent_dictionary
from eventwire.petrarch.discards import read_discards
from eventwire.petrarch.verbs import PatternElement, read_verb_dictionary


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- actors

ACTORS = """\
<!-- a validation-style comment block
# spanning lines -->
GONDOR [GON]   # a comment
+MINAS_TIRITH
+ANORIEN
ARNOR_  [ARN]
LORIEN  [ELR/GAL]
ENT
\t[ENT]
GOLLUM  # pas 27 Apr 03
+SMEAGOL
\t[HOB < 950601]
\t[HOBGOV 19950601 - 19990815]
#\t[950601-990815]  commented out
\t[HOBREB > 990816]
SAM_GAMGEE [HOB]
\t[ORCHOB 20100109-20100112]
\t[HOBMIL 20080120-20121109]
PRINCE OF DOL AMROTH
\t[--- <950630]
\t[DOL]
IVO_JOSIPOVIC_
PRESIDENT_JOSIPOVIC_
\t[HRVGOV >20120219]
"""


def test_actor_phrases_synonyms_and_codes(tmp_path: Path) -> None:
    entries, errors = read_actor_dictionary(write(tmp_path, "x.actors.txt", ACTORS))
    assert errors == []
    by_name = {e.names[0]: e for e in entries}
    assert by_name["GONDOR"].names == ["GONDOR", "MINAS TIRITH", "ANORIEN"]
    assert by_name["GONDOR"].line == 3
    assert code_on(by_name["GONDOR"], date(2000, 1, 1)) == "GON"
    assert by_name["ARNOR"].codes[0].code == "ARN"          # trailing '_' dropped
    assert by_name["LORIEN"].codes[0].codes == ("ELR", "GAL")
    assert code_on(by_name["ENT"], None) == "ENT"           # code on its own indented line
    assert by_name["PRINCE OF DOL AMROTH"].names == ["PRINCE OF DOL AMROTH"]
    # consecutive primaries without codes share the codes that follow
    assert by_name["IVO JOSIPOVIC"].names == ["IVO JOSIPOVIC", "PRESIDENT JOSIPOVIC"]
    assert "PRESIDENT JOSIPOVIC" not in by_name


def test_date_restricted_actor_is_chosen_by_sentence_date(tmp_path: Path) -> None:
    entries, _ = read_actor_dictionary(write(tmp_path, "x.actors.txt", ACTORS))
    gollum = next(e for e in entries if e.names[0] == "GOLLUM")
    assert gollum.names == ["GOLLUM", "SMEAGOL"]
    assert code_on(gollum, date(1995, 5, 31)) == "HOB"       # < 950601 (TABARI YYMMDD)
    assert code_on(gollum, date(1995, 6, 1)) == "HOBGOV"     # range bounds are inclusive
    assert code_on(gollum, date(1999, 8, 15)) == "HOBGOV"
    assert code_on(gollum, date(1999, 8, 16)) is None        # '>990816' is strictly after
    assert code_on(gollum, date(2003, 1, 1)) == "HOBREB"
    sam = next(e for e in entries if e.names[0] == "SAM GAMGEE")
    assert code_on(sam, date(2010, 1, 10)) == "ORCHOB"       # first restriction that holds wins
    assert code_on(sam, date(2009, 1, 1)) == "HOBMIL"
    assert code_on(sam, date(2015, 1, 1)) == "HOB"           # unrestricted code is the default
    prince = next(e for e in entries if e.names[0] == "PRINCE OF DOL AMROTH")
    assert code_on(prince, date(1990, 1, 1)) == "---"
    assert code_on(prince, date(1996, 1, 1)) == "DOL"


def test_malformed_actor_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.actors.txt", "\t[XXX]\nROHAN [ROH]\nGOOD [GOD]\n\t[ARM 9008223-911221]\n"
                 "NOCODE\n\nMORDOR [MOR 20121204]\nISENGARD [ISE]\n+ORTHANC]\n")
    entries, errors = read_actor_dictionary(path)
    assert [(Path(e.path).name, e.line) for e in errors] == [
        ("bad.actors.txt", 1), ("bad.actors.txt", 4), ("bad.actors.txt", 5), ("bad.actors.txt", 7),
        ("bad.actors.txt", 9)]
    assert "before any actor" in errors[0].reason
    assert "9008223" in errors[1].reason
    assert "no code" in errors[2].reason
    assert "single date" in errors[3].reason
    assert str(errors[0]).startswith(str(path) + ":1:")
    # the rest is still loaded
    names = [e.names[0] for e in entries]
    assert names == ["ROHAN", "GOOD", "NOCODE", "MORDOR", "ISENGARD"]
    assert entries[-1].names == ["ISENGARD", "ORTHANC"]


# ---------------------------------------------------------------- agents

AGENTS = """\
<!-- agents -->
!PERSON! = MAN, WOMAN
FOREIGN_MINISTER [~GOVFRM] # jap
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
POLICE {} [ ~COP]
CONGRESS!PERSON! [~LEG]
HUMAN_RIGHTS_BODY  [NGO~]
AUTHORITY [~GOV]
"""


def test_agents_codes_plurals_and_substitution_sets(tmp_path: Path) -> None:
    entries, errors = read_agent_dictionary(write(tmp_path, "x.agents.txt", AGENTS))
    assert errors == []
    by_phrase = {e.phrase: e for e in entries}
    minister = by_phrase["FOREIGN MINISTER"]
    assert (minister.code, minister.prefix, minister.plurals, minister.line) == ("GOVFRM", False,
                                                                                 ["FOREIGN MINISTERS"], 3)
    assert by_phrase["ATTORNEY GENERAL"].plurals == ["ATTORNEYS GENERAL"]
    assert by_phrase["POLICE"].plurals == [] and by_phrase["POLICE"].code == "COP"
    assert by_phrase["CONGRESSMAN"].plurals == ["CONGRESSMEN"]
    assert by_phrase["CONGRESSWOMAN"].code == "LEG"
    assert by_phrase["AUTHORITY"].plurals == ["AUTHORITIES"]
    body = by_phrase["HUMAN RIGHTS BODY"]
    assert body.prefix and body.combine("ARN") == "NGOARN"
    assert minister.combine("ARN") == "ARNGOVFRM"
    assert minister.combine(None) == "---GOVFRM"


def test_malformed_agent_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.agents.txt", "SOLDIER [~MIL]\nDEPARMENT_OF_ENVIRONMENT [~ENV}\nEXTREMIST\n"
                 "!NOPE!_LEADER [~GOV]\nPILOT [MIL]\nJUDGE [~JUD]\n")
    entries, errors = read_agent_dictionary(path)
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert "unknown substitution set" in errors[2].reason
    assert "~CODE or CODE~" in errors[3].reason
    assert [e.phrase for e in entries] == ["SOLDIER", "JUDGE"]


# ---------------------------------------------------------------- verbs

VERBS = """\
<!-- SYNSETS -->
&TIETYPES
+MILITARY
# a comment inside a set
+ECONOMIC_TIES

&CLOSE_SYN  # nested
+&TIETYPES
+NEARER

---  CANCEL   [160]---  ---
CANCEL
QUIT {QUITS QUITTING }  ;shan 8/30/93
+CALL_OFF [161]
KLM_NOP_+RST [002]
- * TALKS  [164]   # END
- WORK *  [165]
- * (TO {BANNED PARTIES}) $  [1722]
- + INSPECTOR * (INTO $)  [0862]
- * &CLOSE_SYN [163]
- * (WITH VISIT)   VISIT)[042:043]
- *SCEPTICAL [012]
- SO IN_AND_*_OUT NEW_&TIETYPES_RELATIONS [013]

--- LASH OUT  [122] ---
LASH OUT
- * DIPLXMATIC  [###]

######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""


def test_verb_blocks_forms_patterns_synsets_and_transformations(tmp_path: Path) -> None:
    verbs, errors = read_verb_dictionary(write(tmp_path, "x.verbs.txt", VERBS))
    assert errors == []
    cancel, lash = verbs.blocks
    assert (cancel.name, cancel.code, cancel.line) == ("CANCEL", "160", 11)
    assert [f.words for f in cancel.forms] == [("CANCEL",), ("QUIT",), ("CALL", "OFF"), ("KLM", "NOP", "RST")]
    assert cancel.forms[1].forms == (("QUITS",), ("QUITTING",))
    assert cancel.forms[2].code == "161" and cancel.forms[2].particles == ("OFF",)
    assert cancel.forms[3].lemma == "RST" and cancel.forms[3].preceding == ("KLM", "NOP")
    talks, work, banned, inspector, synset, visit, sceptical, glued = cancel.patterns
    assert talks.after == (PatternElement("word", ("TALKS",)),) and talks.code == "164"
    assert work.before == (PatternElement("word", ("WORK",)),) and work.after == ()
    # TABARI's markers: '$' is the source, '+' the target
    assert banned.after == (PatternElement("prep", ("TO", "BANNED", "PARTIES")), PatternElement("source"))
    assert inspector.before == (PatternElement("target"), PatternElement("word", ("INSPECTOR",)))
    assert inspector.after == (PatternElement("prep", ("INTO", "$")),)
    assert synset.after == (PatternElement("synset", ("&CLOSE_SYN",)),)
    assert verbs.synsets["&CLOSE_SYN"] == [("MILITARY",), ("ECONOMIC", "TIES"), ("NEARER",)]
    assert visit.after == (PatternElement("prep", ("WITH", "VISIT")),) and visit.code == "042:043"
    assert sceptical.after == (PatternElement("word", ("SCEPTICAL",)),)
    # underscores glue words (and the verb) that must be adjacent
    assert glued.before == (PatternElement("word", ("SO",)), PatternElement("word", ("IN",)),
                            PatternElement("word", ("AND",), joined=True))
    assert glued.verb_joined
    assert glued.after == (PatternElement("word", ("OUT",), joined=True), PatternElement("word", ("NEW",)),
                           PatternElement("synset", ("&TIETYPES",), joined=True),
                           PatternElement("word", ("RELATIONS",), joined=True))
    assert lash.name == "LASH_OUT" and lash.forms[0].words == ("LASH", "OUT")
    assert lash.patterns[0].code == "###"                      # '#' inside brackets is not a comment
    [rule] = verbs.transformations
    assert rule.rhs == ("a", "b", "015") and rule.line == 30


def test_malformed_verb_lines(tmp_path: Path) -> None:
    text = ("- * ORPHAN [010]\n--- SAY [010] ---\nSAY\n- * (TO NOWHERE [011]\n- * NO CODE\n"
            "- TWO * STARS * [012]\n- * &MISSING [013]\n--- broken [\nSTRAY\n- * OK [014]\n")
    verbs, errors = read_verb_dictionary(write(tmp_path, "bad.verbs.txt", text))
    assert [(e.line, e.reason.split()[0]) for e in errors] == [
        (1, "pattern"), (4, "unbalanced"), (5, "pattern"), (6, "pattern"), (7, "unknown"), (8, "verb"),
        (9, "verb"), (10, "pattern")]
    [say] = verbs.blocks
    assert [p.code for p in say.patterns] == ["013"]


# ---------------------------------------------------------------- discards

def test_discards_sentence_and_story_level(tmp_path: Path) -> None:
    path = write(tmp_path, "x.discards.txt", "# header\nMONTHS LATER\n+Manchester United   # pas\n+\n")
    entries, errors = read_discards(path)
    assert [(e.phrase, e.story, e.line) for e in entries] == [("MONTHS LATER", False, 2),
                                                              ("MANCHESTER UNITED", True, 3)]
    assert [e.line for e in errors] == [4]


# ---------------------------------------------------------------- the real dictionaries

def test_full_phoenix_dictionaries_import() -> None:
    directory = shared_path("dictionaries", "petrarch2")
    dictionaries, errors = load_dictionaries(directory)
    assert len(dictionaries.actors) > 27_000
    assert sum(len(e.names) for e in dictionaries.actors) > 35_000
    assert len(dictionaries.agents) > 3_300
    assert len(dictionaries.verbs.blocks) > 390
    assert sum(len(b.patterns) for b in dictionaries.verbs.blocks) > 4_600
    assert len(dictionaries.verbs.synsets) == 40 and len(dictionaries.verbs.transformations) == 8
    assert len(dictionaries.discards) > 500
    # Only genuine typos in the distributed files are reported (a 7-digit date, a reversed range,
    # an actor without code, an agent code closed with '}' ...): a handful among ~45,000 entries.
    assert len(errors) <= 15
    assert all(e.line > 0 and Path(e.path).parent == directory for e in errors)
    usa = next(e for e in dictionaries.actors if "UNITED STATES" in e.names)
    assert "USA" in {c.code for c in usa.codes}


def test_validation_dictionaries_import_cleanly() -> None:
    dictionaries, errors = load_dictionaries(shared_path("eval", "petrarch2"))
    assert errors == []
    assert len(dictionaries.actors) == 128 and len(dictionaries.agents) == 95
    gollum = next(e for e in dictionaries.actors if e.names[0] == "GOLLUM")
    assert code_on(gollum, date(1997, 3, 1)) == "HOBGOV"
