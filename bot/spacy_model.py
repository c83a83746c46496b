"""Build the project's own spaCy pipeline for Rasa's ``SpacyNLP`` component.

There is no pretrained English spaCy model for spaCy 3.4 in this project (and no downloads at
set-up), so we build a small one from parts that ship with the installed packages:

* a blank English tokenizer,
* a ``lookup`` lemmatizer whose tables come from the installed ``spacy-lookups-data``
  (so "drinkin"-style words are still messy, but "drinking"/"drinks" share the lemma "drink",
  which helps the count-vector featurizer with little data),
* an ``entity_ruler`` that tags the words people actually use for the people they worry about
  (``relationship``) and what they take (``substance``), including slang and common misspellings.

Rasa maps the slang values to canonical ones with the synonyms in ``data/nlu/synonyms.yml``;
``CANONICAL`` below is the single source of truth for both (a test checks they agree).

The build is idempotent: the output carries a content hash in ``meta.json`` ("version"), and
``build()`` does nothing when the model on disk already has that hash. Run it from the repo root:

    .venv/bin/python bot/spacy_model.py [PATH]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

# Repo-relative, because Rasa's config names it by path and training runs from the repo root.
DEFAULT_PATH = Path("build/spacy-en-signpost")
MODEL_NAME = "spacy_en_signpost"

# Bump when the way the pipeline is assembled changes (the patterns are hashed anyway).
_BUILD_RECIPE = "1"

# canonical value -> the ways people write it (lower case). The canonical value itself is matched too.
RELATIONSHIPS: Dict[str, Tuple[str, ...]] = {
    "son": ("my lad", "my boy", "sun", "stepson", "step son"),
    "daughter": ("my girl", "daugther", "duaghter", "doughter", "stepdaughter", "step daughter"),
    "child": ("kid", "my kid", "kids", "children", "teenager", "teen"),
    "partner": ("boyfriend", "girlfriend", "bf", "gf", "fiance", "fiancee", "other half"),
    "husband": ("hubby", "hubbie", "husbund", "my fella", "my man"),
    "wife": ("wifey", "missus", "my missus", "the missus"),
    "mum": ("mam", "mom", "mother", "mummy", "mommy", "ma", "my mam", "stepmum", "step mum"),
    "dad": ("father", "daddy", "pops", "my old man", "stepdad", "step dad"),
    "brother": ("bro", "bruv", "brother in law", "little brother", "big brother"),
    "sister": ("sis", "sister in law", "little sister", "big sister"),
    "grandparent": ("nan", "nana", "nanna", "gran", "granny", "grandma", "grandad", "grandpa",
                    "grandmother", "grandfather"),
    "friend": ("mate", "my mate", "pal", "bestie", "best friend", "best mate", "flatmate", "housemate"),
    "relative": ("uncle", "aunt", "auntie", "cousin", "nephew", "niece"),
    "client": ("tenant", "service user", "patient", "pupil", "student"),
}

SUBSTANCES: Dict[str, Tuple[str, ...]] = {
    "alcohol": ("booze", "bevvy", "bevvies", "drink", "drinks", "drinking", "drinkin", "alchol",
                "alcohal", "alcahol", "alcohoo", "acohol", "wine", "vodka", "cider", "beer",
                "lager", "spirits", "white lightning", "cans", "voddy"),
    "heroin": ("gear", "smack", "brown", "herion", "heroine", "heroin", "skag", "h"),
    "crack": ("rock", "rocks", "crack cocaine", "white"),
    "cocaine": ("coke", "charlie", "sniff", "cocain", "cocaine", "powder", "nose candy"),
    "cannabis": ("weed", "skunk", "hash", "pot", "green", "ganja", "spliff", "spliffs", "joints",
                 "marijuana", "canabis", "cannabis"),
    "spice": ("mamba", "synthetic cannabis", "legal highs"),
    "mephedrone": ("mcat", "m cat", "meow meow", "m-cat", "meph"),
    "ketamine": ("ket", "k", "special k", "ketamin"),
    "ecstasy": ("mdma", "pills", "molly", "mandy", "e's", "ecstacy", "pingers"),
    "ghb": ("gbl", "g", "geebs"),
    "benzodiazepines": ("benzos", "valium", "diazepam", "xanax", "street valium", "blues"),
    "methadone": ("script", "my script", "meth script", "methadon", "done"),
    "buprenorphine": ("subutex", "bupe", "subby", "espranor", "buvidal"),
    "opioids": ("codeine", "tramadol", "painkillers", "oxy", "fentanyl", "morphine"),
    "amphetamine": ("speed", "whizz", "whiz", "billy", "amphetamines"),
    "methamphetamine": ("crystal meth", "tina", "ice"),
    "steroids": ("roids", "gear for the gym", "anabolic steroids", "sterroids"),
    "nitrous oxide": ("nos", "laughing gas", "balloons", "nangs"),
}

# One or two letters that are also ordinary words would tag far too much ("h", "k", "g", "done",
# "white", "green", "ice", "brown", "pills"...): they stay as synonyms for DIET-annotated examples
# but the ruler does not match them on its own.
_TOO_AMBIGUOUS_FOR_RULER = {
    "h", "k", "g", "done", "white", "green", "ice", "brown", "blues", "billy", "tina", "pot",
    "powder", "sniff", "speed", "balloons", "pills", "ma", "sun", "student", "patient", "pupil",
    "drinks", "cans", "kids", "children", "teen", "white lightning", "my man", "pops", "rocks",
}


def canonical_table() -> Dict[str, Dict[str, Tuple[str, ...]]]:
    """Label -> canonical value -> variants; used by the build and by the training-data tests."""
    return {"relationship": RELATIONSHIPS, "substance": SUBSTANCES}


def ruler_patterns() -> List[dict]:
    """Phrase patterns for the entity ruler, matched on lower-cased text."""
    patterns: List[dict] = []
    for label, table in canonical_table().items():
        for canonical, variants in sorted(table.items()):
            for phrase in sorted({canonical, *variants}):
                if phrase in _TOO_AMBIGUOUS_FOR_RULER:
                    continue
                patterns.append({"label": label, "pattern": phrase, "id": canonical})
    return patterns


def content_version() -> str:
    """Hash of everything that shapes the built model, so callers can tell when to rebuild."""
    import spacy
    import spacy_lookups_data

    payload = json.dumps(
        {
            "recipe": _BUILD_RECIPE,
            "spacy": spacy.__version__,
            "lookups": getattr(spacy_lookups_data, "__version__", "unknown"),
            "patterns": ruler_patterns(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def built_version(path: Path) -> str | None:
    """The content hash recorded in an existing model at ``path`` (None if absent or unreadable)."""
    try:
        meta = json.loads((Path(path) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = meta.get("version")
    return version if isinstance(version, str) else None


def build(path: Path = DEFAULT_PATH) -> Path:
    """Build the pipeline at ``path`` unless an identical one is already there; return ``path``."""
    import spacy

    path = Path(path)
    version = content_version()
    if built_version(path) == version:
        return path

    nlp = spacy.blank("en")
    nlp.meta["name"] = MODEL_NAME
    nlp.meta["version"] = version
    nlp.meta["description"] = (
        "signpost: blank English + lookup lemmatizer + entity ruler (relationship, substance)"
    )
    # Lookup mode needs only the table shipped in spacy-lookups-data: no training, no download.
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # LOWER so "Mum", "MUM" and "mum" all match: SpacyEntityExtractor runs on the raw text.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads lemma_lookup from spacy-lookups-data (installed locally)
    ruler.add_patterns(ruler_patterns())

    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def main(argv: List[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    before = built_version(target)
    built = build(target)
    state = "up to date" if before == built_version(built) else "built"
    print(f"spaCy model {state}: {built} (version {built_version(built)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
