"""A search query in words: its BM25 terms, the ids it names, the run states it names."""

from __future__ import annotations

import re

# Words that carry no meaning for ranking here: English glue and the words every question has.
STOPWORDS = frozenset("""
a an the and or of for in on at to by with without from into than then that which who whose
what where when how is are was were be been being it its this these those there here my our
me i we you show find list give get all any some only one ones very more most less
run runs experiment experiments trial trials model models result results job jobs did do does
has have had not no yes whose please
""".split())  # noqa: SIM905 - a word list reads better as text
# Phrases naming a run's state, longest first (matched on the lower-cased query).
STATE_PHRASES = {
    "running": ("still training", "still running", "still going", "in progress", "not finished yet",
                "unfinished", "ongoing", "running", "in training", "incomplete"),
    "diverged": ("diverged", "diverging", "divergence", "blew up", "blown up", "exploded",
                 "exploding", "went nan", "nan loss", "loss nan", "became nan", "unstable",
                 "nan"),
    # not "error": "word error rate" is a metric, not a state
    "failed": ("out of memory", "failed", "crashed", "crash", "oom", "killed", "errored",
               "failure"),
    "done": ("finished", "completed", "done"),
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # FTS5's unicode61 splits on everything else
_ID_TOKEN = re.compile(r"[\w][\w.\-]*")


def query_terms(text: str) -> list[str]:
    """The query's words as the lexical index sees them, without stopwords, in order."""
    words = [w.lower() for w in _WORD.findall(text)]
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS and len(w) > 1))


def fts_expression(terms: list[str]) -> str:
    """Any of the terms (BM25 ranks runs with more and rarer ones first); "" for none."""
    return " OR ".join(f'"{t}"' for t in terms)


def id_tokens(text: str) -> list[str]:
    """Tokens that may be a run id or the start of one: at least 3 characters with a digit."""
    tokens = (t.strip(".-").lower() for t in _ID_TOKEN.findall(text))
    return [t for t in dict.fromkeys(tokens) if len(t) >= 3 and any(c.isdigit() for c in t)]


def states_named(text: str) -> dict[str, str]:
    """state -> the words of the query naming it (``{"diverged": "blew up"}``)."""
    low = " ".join(text.lower().split())
    found: dict[str, str] = {}
    for state, phrases in STATE_PHRASES.items():
        for phrase in phrases:
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", low):
                found[state] = phrase
                break
    if "running" in found and found.get("done") == "finished":  # "not finished yet"
        found.pop("done")
    return found
