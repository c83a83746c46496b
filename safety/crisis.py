"""Rule-based detection of messages about immediate danger to life.

Why rules and not only the NLU model: a trained classifier can miss a rare, misspelt or
indirect message ("hes not breathin", "i just want it all to stop"), and a miss here can cost a
life. This layer runs after the classifier on every message, in any state of the
conversation, and forces emergency guidance when it fires.

Design, in the order `detect` applies it:

1. `normalise`: lower-case, strip accents, drop apostrophes ("isn't" -> "isnt"), squeeze letters
   repeated 3+ times ("heeelp" -> "heelp"), map SMS slang to one spelling ("gonna" -> "going to",
   "kms" -> "kill myself"), and correct near-misses of long, distinctive keywords with edit
   distance 1 ("breething" -> "breathing", "unconsious" -> "unconscious"). Real English words
   one edit away from a keyword are protected (see `_PROTECTED`) so "sitting" never becomes
   "fitting". Sentences are kept apart by " | " so rule gaps never run across a full stop.
2. Guards: blank out phrases that look alarming but are not ("killing time", "what is an
   overdose", "dying for a drink", "fit and healthy", "im not suicidal"). Guards are narrow on
   purpose: when in doubt we alarm, because a false alarm costs far less than a miss.
3. Rules: regular expressions over the normalised text, one named rule per pattern.
4. Past events: a match that is only a past event ("i overdosed last year and now im clean")
   is dropped, unless the message also says something is happening now ("again", "tonight").
5. Child at risk: a child (stated age under 16, "mummy") or someone alone with a collapsed or
   incapacitated parent.
6. The most urgent type wins (`PRIORITY`).

`CrisisSignal.matched` holds the rule's name, never the user's words, so it is safe to log.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Iterable, Optional


class CrisisType(str, Enum):
    """Kinds of immediate danger; values are also the `crisis_type` entity values."""

    NOT_BREATHING = "not_breathing"
    UNCONSCIOUS = "unconscious"
    OVERDOSE = "overdose"
    POISONING = "poisoning"
    SEIZURE = "seizure"
    SUICIDAL = "suicidal"
    SELF_HARM = "self_harm"
    VIOLENCE = "violence"
    CHILD_AT_RISK = "child_at_risk"
    WITHDRAWAL = "withdrawal"


@dataclass(frozen=True)
class CrisisSignal:
    """A detected crisis: its type and the name of the rule that fired (not user text)."""

    crisis_type: CrisisType
    matched: str


# Most urgent first. A child alone with a collapsed adult needs child-specific guidance, so it
# outranks the incapacity it is built on; physical danger now outranks thoughts and feelings.
PRIORITY: tuple[CrisisType, ...] = (
    CrisisType.CHILD_AT_RISK,
    CrisisType.NOT_BREATHING,
    CrisisType.UNCONSCIOUS,
    CrisisType.SEIZURE,
    CrisisType.WITHDRAWAL,
    CrisisType.OVERDOSE,
    CrisisType.POISONING,
    CrisisType.VIOLENCE,
    CrisisType.SUICIDAL,
    CrisisType.SELF_HARM,
)

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# One spelling per slang or SMS form. Values may be several words.
_SLANG: dict[str, str] = {
    "dnt": "dont", "don": "dont", "dosnt": "doesnt", "dosent": "doesnt",
    "cnt": "cant", "carnt": "cant", "kant": "cant", "cannot": "cant", "cudnt": "couldnt",
    "cudnae": "couldnt", "wudnt": "wouldnt", "int": "isnt",
    "isent": "isnt", "iznt": "isnt", "aintt": "aint",
    "iam": "im", "ima": "im going to", "imma": "im going to",
    "u": "you", "ya": "you", "ur": "your",
    "pls": "please", "plz": "please", "plez": "please", "pleeas": "please",
    "wanna": "want to", "wana": "want to", "wanta": "want to", "wantto": "want to",
    "gonna": "going to", "gunna": "going to", "gna": "going to", "gona": "going to",
    "goin": "going", "tryna": "trying to", "gotta": "got to", "hafta": "have to",
    "kms": "kill myself", "kmsf": "kill myself", "unalive": "kill", "unaliving": "killing",
    "sewerslide": "suicide",
    "ded": "dead", "bin": "been", "av": "have", "ave": "have", "ad": "had", "wiv": "with",
    "wid": "with", "n": "and", "nd": "and", "tho": "though", "coz": "because",
    "cos": "because", "bc": "because", "b4": "before", "rn": "right now",
    "tabs": "tablets", "tablts": "tablets",
    "myslef": "myself", "mysef": "myself", "meself": "myself", "maself": "myself",
    "miself": "myself", "myselfe": "myself",
    "ods": "od", "odin": "oding", "odding": "oding",
    "odded": "oded", "odeed": "oded",
    "unconcious": "unconscious", "unconsious": "unconscious", "unconscience": "unconscious",
    "unconchus": "unconscious", "unconcsious": "unconscious", "unconsius": "unconscious",
    "siezure": "seizure", "seizuer": "seizure", "seisure": "seizure", "seazure": "seizure",
    "sezure": "seizure", "ceasure": "seizure", "seizer": "seizure", "siezer": "seizure",
    "siezing": "seizing", "seazing": "seizing",
    "suicde": "suicide", "sucide": "suicide", "suiside": "suicide", "suicid": "suicide",
    "suacide": "suicide", "sucidal": "suicidal", "suicidle": "suicidal",
    "suisidal": "suicidal", "suicidel": "suicidal", "sucicidal": "suicidal",
    "overdoze": "overdose", "overdoes": "overdose", "overdoesed": "overdosed",
    "overdozed": "overdosed", "overdossed": "overdosed", "overdosd": "overdosed",
    "breth": "breath", "breathin": "breathing", "brethin": "breathing", "breathn": "breathing",
    "brefin": "breathing", "breafing": "breathing", "breavin": "breathing",
    "breathng": "breathing", "breating": "breathing", "breathign": "breathing",
    "collasped": "collapsed", "colapsed": "collapsed", "collapsd": "collapsed",
    "ma": "mum", "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband",
}

# Pairs of words written apart or together that we join, so rules see one form.
_JOINS: tuple[tuple[str, str], ...] = (
    (r"\bmy self\b", "myself"),
    (r"\bme self\b", "myself"),
    (r"\bover ?dos(e|ed|ing|es)\b", r"overdos\1"),
    (r"\bself ?harm", "self harm"),
    (r"\bcan not\b", "cant"),
    (r"\bun ?conscious\b", "unconscious"),
    (r"\bsemi ?conscious\b", "semiconscious"),
    (r"\bco ?codamol\b", "cocodamol"),
)

# Long, distinctive keywords we correct with edit distance 1. Short or common words are left
# out on purpose: "fitting" is one edit from "sitting" and "hitting", "killing" from "filling".
_FUZZY_KEYWORDS: tuple[str, ...] = (
    "breathing", "breathe", "unconscious", "unresponsive", "overdose", "overdosed",
    "overdosing", "suicide", "suicidal", "seizure", "seizing", "convulsing", "convulsions",
    "collapsed", "poisoned", "poisoning", "myself", "naloxone", "strangling", "strangled",
    "paracetamol", "methadone", "ambulance", "breathing",
)

# Real English words one edit from a fuzzy keyword, found at development time by scanning the
# English word-frequency table of spacy-lookups-data (en_lexeme_prob) for common words within one
# edit of `_FUZZY_KEYWORDS`. Kept here so this library needs no data package. Never "corrected".
_PROTECTED: frozenset[str] = frozenset(
    {
        "breather", "breathed", "breathes", "breaths", "breath", "seizures", "seized",
        "seizes", "suicides", "overdoses", "poisoner", "poisons", "collapses", "collapse",
        "ambulances", "herself", "himself", "itself", "mystic", "convulsion", "seizing",
        "brathing", "bathing", "breeding", "bleeding", "breading", "breaking", "breathy",
        "unconsciously", "poisonings", "strangler", "strangles", "sizing", "overdone",
        "strangle", "breaching", "overdoing",
    }
)

_SENTENCE_SPLIT = re.compile(r"[.!?;\n\r]+")
_NON_WORD = re.compile(r"[^a-z0-9|~ ]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"\s+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _squeeze(word: str) -> str:
    """Collapse every doubled letter: 'pills' -> 'pils'. Used to compare spellings."""
    return re.sub(r"([a-z])\1+", r"\1", word)


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1 (one insert, delete, substitute or swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    # b is one longer: deleting one char from b must give a.
    for i in range(len(b)):
        if b[:i] + b[i + 1 :] == a:
            return True
    return False


_G_DROPPED: frozenset[str] = frozenset(
    {
        "breathing", "waking", "fitting", "hitting", "cutting", "hurting", "killing", "dying",
        "shaking", "choking", "seizing", "moving", "responding", "overdosing", "bleeding",
        "beating", "kicking", "punching", "stabbing", "harming", "burning", "passing", "coming",
        "going", "trying", "wanting", "threatening", "attacking", "strangling", "convulsing",
        "jerking", "twitching", "foaming", "gasping", "snoring", "vomiting", "throwing", "lying",
        "laying", "looking", "turning", "struggling", "fighting", "feeling", "thinking",
        "living", "ending", "slicing", "starving", "banging", "carving", "drowning",
        "hanging", "jumping", "smashing", "breaking", "hiding", "reacting",
        "having", "taking", "doing", "making", "getting", "saying", "shouting", "talking",
    }
)

_SQUEEZED_KEYWORDS: dict[str, str] = {_squeeze(k): k for k in _FUZZY_KEYWORDS}


@lru_cache(maxsize=4096)
def _correct_token(token: str) -> str:
    """Map a token to its canonical spelling (slang, dropped g, squeezed or fuzzy keyword)."""
    if token in _SLANG:
        return _SLANG[token]
    if token in _PROTECTED or token in _FUZZY_KEYWORDS or not token.isalpha():
        return token
    # Dropped g: "wakin" -> "waking", "fittin" -> "fitting". Only for words rules use, so
    # "again" or "begin" are never touched.
    if token.endswith("in") and token + "g" in _G_DROPPED:
        return token + "g"
    squeezed = _squeeze(token)
    if squeezed in _SQUEEZED_KEYWORDS and len(token) >= 5:
        return _SQUEEZED_KEYWORDS[squeezed]
    if len(token) >= 5:
        for keyword in _FUZZY_KEYWORDS:
            if len(keyword) >= 6 and _within_one_edit(token, keyword):
                return keyword
    return token


def normalise(text: str) -> str:
    """Canonical lower-case text: sentences separated by ' | ', words by single spaces."""
    lowered = _strip_accents(text).lower()
    lowered = re.sub(r"[\u2018\u2019\u02bc`\u00b4']", "", lowered)
    # "o.d." / "o d" before sentence splitting swallows the dots.
    lowered = re.sub(r"\bo\s?\.\s?d\b\.?", "od", lowered)
    lowered = lowered.replace("&", " and ").replace("+", " and ")
    sentences = []
    for sentence in _SENTENCE_SPLIT.split(lowered):
        cleaned = _NON_WORD.sub(" ", sentence.replace("|", " ").replace("~", " "))
        cleaned = _REPEATS.sub(r"\1\1", cleaned)
        tokens = [_correct_token(t) for t in cleaned.split()]
        joined = " ".join(tokens)
        for pattern, replacement in _JOINS:
            joined = re.sub(pattern, replacement, joined)
        joined = _SPACES.sub(" ", joined).strip()
        if joined:
            sentences.append(joined)
    return " | ".join(sentences)


# --------------------------------------------------------------------------------------------
# Guards: phrases that look alarming but are not. Each is replaced with " ~ " so that the
# rules below cannot match across it.
# --------------------------------------------------------------------------------------------

_GUARDS: tuple[str, ...] = (
    # Information and preparation questions.
    r"\bhow (?:do|can|would|will|could|should) (?:you|i|u|we|people) (?:know|tell|check|spot|recognise|recognize) (?:if|when|whether) (?:someone|somebody|a person|anyone|people|they|you|u)\b(?: \w+){0,5}",
    r"\b(?:what|whats|wat) (?:is|are|does|do|exactly is) (?:an |a |the )?(?:\w+ )?(?:overdose|overdosing|od|seizure|seizures|fit|fits|alcohol poisoning|poisoning|self harm|naloxone|suicide|suicidal)\w*(?: mean| feel like| look like)?",
    r"\b(?:what|whats) (?:are |is )?(?:the )?(?:signs|symptoms|sign|symptom|risks?) (?:of|for) (?:an |a )?\w+(?: \w+)?",
    r"\b(?:signs|symptoms) of (?:an |a )?(?:\w+ )?(?:overdose|alcohol poisoning|poisoning|seizure|withdrawal)",
    r"\b(?:how|where) (?:do|can|could|would|should) (?:i|you|we|someone|people|a person) (?:get|find|carry|learn|spot|recognise|recognize|tell|know|avoid|prevent|reduce|buy|order)\b(?: \w+){0,2}",
    r"\b(?:in )?(?:case|cases) of (?:an |a )?(?:overdoses?|od|ods|emergency|emergencies|seizures?|fits?|poisoning)\b",
    r"\bin case (?:of|they|he|she|someone|anyone|i|you|my)?(?: \w+){0,4}",
    r"\b(?:prevent|preventing|prevention|avoid|avoiding|reduce|reducing|risk of|risks of|chance of|danger of|dangers of|awareness|training|course|courses|leaflet|leaflets|info|information|statistics|stats|rates?) (?:an |a |of |on |about |for )?(?:overdoses?|overdosing|od|ods|seizures?|fits|poisoning|suicide|self harm)\b",
    r"\b(?:overdose|suicide|self harm) (?:prevention|awareness|training|course|risk|risks|kit|statistics|stats|rates?|figures|support services?|bereavement)\b",
    r"\b(?:naloxone|narcan|nyxoid|prenoxad) (?:kit|kits|training|course|pack|packs)\b",
    r"\b(?:if|when) (?:he|she|they|someone|somebody|anyone|a person|people|i|you|my \w+) (?:ever |was to |were to |does |did |might )?(?:overdoses|ods|has a (?:seizure|fit)|have a (?:seizure|fit)|takes too (?:much|many)|stops breathing|collapses|passes out|fits)\b",
    r"\b(?:scared|worried|worry|worries|afraid|frightened|terrified|fear|fears|panicking|concerned|anxious)\b(?: that)?(?: \w+){0,2} (?:will|ll|hell|shell|theyll|hed|shed|is going to|going to|might|could|may|would|d) (?:\w+ ){0,2}(?:overdose|od|die|end up dead|have a (?:seizure|fit)|fit|collapse|be found dead)\b(?: one day| someday| some day)?",
    r"\b(?:will|would|could|can|might|does|do) (?:i|he|she|they|you|stopping|it|drinking|withdrawal|stopping drinking) (?:\w+ ){0,2}(?:have|get|cause|give|lead to) (?:a |an )?(?:seizure|seizures|fit|fits|dts|withdrawal fits?)\b",
    r"\b(?:cause|causes|causing|lead to|leads to|give you|gives you) (?:a |an )?(?:seizures?|fits|dts)\b",
    r"\b(?:can|could|do|does|will|would|might) (?:you|i|u|people|someone|he|she|they|withdrawal|stopping|it) (?:\w+ ){0,3}(?:get|have|cause|give|make (?:you|u|people|someone)) (?:the |a |an )?(?:dts|fits?|seizures?|see things|hear things|hallucinat\w*|confused|shaking)\b",
    # Wanting to try again is a plan, not something happening now.
    r"\b(?:stop|quit|give up|detox|get sober|get clean) (?:drinking |using |the drink |the booze )?again\b",
    # Wanting a safe or women-only space is a need, not danger: "i dont feel safe in mixed groups".
    r"\b(?:dont|do not|never|wouldnt|dont really) feel (?:safe|comfortable|ok|okay) (?:in|at|going to|around|with|among|near) (?:mixed |big |large |the |a |any |some |other )?(?:groups?|meetings?|aa|na|ca|men|male|blokes|lads|crowds?|public|services?|places|spaces|rooms?|sessions?|clinics?|hospitals?|rehabs?|people|strangers)\b(?: (?:on my own|alone|with men|full of men))?",
    r"\b(?:groups?|charity|charities|services?|support|meetings?|forum|forums|classes|course) (?:for|about) (?:\w+ ){0,2}(?:self harm|self harming|suicide|suicidal|overdose)\b",
    r"\b(?:people|those|anyone|young people|teens|teenagers|someone|others|somebody) who (?:have |has |had |)(?:self harm|self harms|self harmed|are suicidal|is suicidal|feel suicidal|feels suicidal|overdose|overdosed|overdoses|attempted suicide)\b",
    r"\bhow (?:do|does|would|should|can) (?:you|u|people|one|a person|someone) (?:treat|help|deal with|respond to|manage|handle|reverse|stop|survive) (?:an |a |someone (?:with|having|who has) (?:an |a )?)?(?:overdoses?|od|seizures?|fits?|alcohol poisoning|poisoning|someone who)\b",
    r"\b(?:can|could|do|does) (?:you|i|u|someone|somebody|people|a person|anyone|one) (?:ever )?(?:overdose|od|die|have a seizure|have a fit|fit)\b(?: (?:on|from) \w+)?",
    r"\b(?:what happens|what would happen|whats the risk|is it (?:dangerous|safe|bad)) (?:if|when|to) (?:you|u|someone|people|a person|one)\b(?: \w+){0,4}",
    # Bereavement: a death that has already happened is grief, not an emergency now.
    r"\b(?:died|dying|death|deaths|passed away|passed|lost(?: \w+){0,2}|killed) (?:of|from|after|to|by|through|in) (?:an |a |his |her |their )?(?:overdoses?|od|suicide|drugs?|drink|alcohol poisoning|alcohol|drug poisoning|poisoning|seizures?|a fit)\b",
    r"\bbereaved by (?:suicide|overdose)\b",
    # Idioms.
    r"\bkill(?:ing)? (?:time|the time|an hour|a few hours)\b",
    r"\b(?:kill|killing|killed) (?:myself|me|themselves|ourselves) (?:laughing|with laughter)\b",
    r"\b(?:my )?(?:mum|mam|mom|mummy|mother|dad|daddy|father|parents|nan|gran|boss|teacher|mums|dads|moms|mams)(?: is| are| s| will| ll)? (?:going to|gonna|will|ll|is going to) (?:kill|murder) me\b(?! (?:with|he has|she has|hes got|shes got))",
    r"\b(?:stop|stopping|prevent|preventing|keep) (?:\w+ ){0,2}(?:from )?(?:overdosing|oding|overdose|od|ods)\b",
    r"\b(?:this|it|its|that|thats|wait|waiting|the wait|work|my back|my head|my feet|my legs|the heat|the cold|the stress|these shoes|shoes|hangover|the hangover|not knowing|the silence) (?:is |are |s |was |are just |is just |really )?killing me\b",
    r"\bkilling me (?:softly|with)\b",
    r"\b(?:kill|killed|killing|dying|die|murder) (?:for|to) (?:a |an |some )?(?:drink|pint|fag|smoke|brew|cuppa|coffee|tea|wee|pee|kebab|sleep|know|see|go|meet|try|tell|hear)\b",
    r"\bdying (?:for|to) \w+",
    r"\b(?:gasping|desperate|dying|aching) for (?:a |an |some )?(?!air\b|breath\b)\w+",
    r"\b(?:bored|scared|frightened|worried|sick|tired) (?:to death|stiff)\b",
    r"\b(?:dead|deadly) (?:tired|good|easy|funny|nice|proud|serious|worried|bored|on my feet|set|against|end|loud|quiet|right|lucky|to me|inside|drunk|beat|keen|excited|chuffed|hard|boring|simple|sound)\b",
    r"\b(?:drop|drop dead) gorgeous\b",
    r"\b(?:fit and (?:healthy|well)|keep fit|keeping fit|get fit|getting fit|fit (?:in|into|for work|to work|enough|note|as a fiddle|lad|bloke|girl|guy|woman|man|person|young|healthy)|fitness|see fit|fits in|fitting in|hissy fit)\b",
    r"\b(?:will|would|ll|d|going to|might|gonna|wont) (?:have|throw|pitch|take) (?:a |an )?(?:fit|fits|hissy fit|wobbly)\b",
    r"\b(?:throw|threw|throws|throwing|pitch|pitched|pitching) (?:a |an )?(?:fit|tantrum|wobbly)\b",
    r"\bhad (?:a |an )?fit when (?:he|she|they|i|my \w+) (?:found|saw|heard|knew|realised|realized|told|got)\b",
    r"\bfitting (?:in|into|room|rooms|out|the|a|an|new|my|our|some|kitchens?|carpets?|windows?|doors?|boilers?|locks?|alarms?|tyres?)\b",
    r"\b(?:back|neck|engine|car|knee|muscles?|leg|shoulder) (?:is |has |keeps )?seiz(?:ing|ed) up\b",
    r"\b(?:drug|drugs|police|cannabis|cocaine|heroin|cash|asset|record) seizures?\b",
    r"\bunconscious (?:bias|mind|thoughts?|level)\b",
    r"\b(?:hit|hits|hitting) (?:me|us|him|her|them) up\b",
    r"\b(?:hit|hitting|hits) (?:rock bottom|the bottle|the pub|the town|the gym|the shops|the hay|the sack|a wall|the wall|home|hard|me hard|me like)\b",
    r"\b(?:it|that|reality|realisation|realization|the truth|this) (?:just |really |has |finally )?(?:hit|hits|hitting) me\b",
    r"\bbeat(?:ing|en)? (?:me to it|it|this|the (?:addiction|habit|drink|booze|drugs)|my (?:addiction|habit|demons)|addiction)\b",
    r"\bbeat(?:ing)? (?:my|him|her|my ?self|myself|herself|himself) (?:self )?up (?:about|over)\b",
    r"\bbeat(?:ing)? myself up\b",
    r"\b(?:im|i am|i will|ill|i could|could|gonna|going to|i am going to) (?:kill|murder|strangle) (?:him|her|them|my \w+) (?:if|when)\b",
    r"\b(?:kill|murder|strangle) me (?:if|when) (?:he|she|they|my \w+|mum|dad|mam|mom) (?:finds|find|found|sees|see|knows|know|hears|hear|catches|catch)\b",
    r"\b(?:will|would|ll|is going to|going to|gonna) (?:kill|murder) me (?:if|when)\b",
    r"\bend (?:it|things) (?:with|between)\b",
    r"\bsay(?:ing)? goodbye to (?:the |my )?(?:drink|drinking|booze|alcohol|drugs|gear|weed|it|that life|the bottle)\b",
    r"\bfood poisoning\b",
    r"\b(?:pick|name|choose) (?:your|ur|my) poison\b",
    r"\bpoison(?:ed|ing|s)? (?:my|the|our|his|her|their) (?:mind|minds|relationship|family|mood|atmosphere|life|lives)\b",
    r"\b(?:take|taking|took|catch|catching) (?:a |my |deep |a deep )?(?:breath|breather)\b",
    r"\b(?:breathing|breathe) (?:space|exercises?|techniques?|room)\b",
    r"\bbreathing down (?:my|his|her|our) neck\b",
    r"\bhold(?:ing)? (?:my|your|ur|his|her) breath\b",
    r"\bchok(?:ed|ing) (?:up|back)\b",
    r"\b(?:cpr|first aid) (?:course|training|class|lessons?)\b",
    r"\b(?:learn|learning|do|doing) (?:a )?(?:cpr|first aid) (?:course|training|class)\b",
    r"\bcut(?:ting|s)? (?:down|back|out|it out|off|ties|contact|corners|loose|short|the|my drinking|his drinking|her drinking|my use|my hours|my hair|my losses|up about)\b",
    r"\b(?:life|marriage|relationship|world|business|family|house of cards|plans?|everything) (?:has |is |just )?(?:collapsed|collapsing|fell apart|falling apart)\b",
    r"\bnot responding to (?:my |his |her |our )?(?:texts?|messages?|calls?|emails?|treatment|meds)\b",
    r"\b(?:wont|not|isnt|cant|couldnt) (?:get him |get her |get them )?(?:wake|waking|get) (?:up )?(?:for|in time for) (?:school|work|college|uni|appointments?|the bus)\b",
    r"\b(?:move|moving) (?:out|on|in|house|away|back)\b",
    r"\bin danger of (?:losing|getting|being|failing)\b",
    r"\bdomestic (?:abuse|violence) (?:services?|support|courses?|training|awareness)\b",
    r"\bgoing to (?:die|kill me) of (?:embarrassment|shame|boredom)\b",
    r"\b(?:laughing|laughed|laugh) (?:so hard|till) \w+\b",
)

# Negations that say the danger is absent. A negation followed by "but"/"though" is not a
# reassurance ("i dont want to kill myself but i think about it"), so it is not guarded.
_NEGATION_GUARDS: tuple[str, ...] = (
    r"\b(?:im not|i am not|not|never|never been|isnt|wasnt|no longer|im no longer|i am no longer) (?:feeling |really |at all |actually )?suicidal\b",
    r"\bno (?:suicidal thoughts|thoughts of (?:suicide|killing myself|harming myself|self harm|ending it))\b",
    r"\b(?:not|never|wont|wouldnt|dont want to|do not want to|would never|not going to|not about to|have no plans to|no intention of|not planning to|not planning on) (?:\w+ )?(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|end|ending|take|taking) (?:myself|my life|my own life|it all)\b",
    r"\b(?:i )?(?:dont|do not) want to die\b",
    r"\bnot (?:going to|planning to|about to) do anything (?:stupid|silly|daft)\b",
    r"(?<!\bthink )(?<!\bsure )(?<!\bif )(?<!\bwhether )\b(?:hes|shes|theyre|he is|she is|they are) (?:still )?(?:breathing|conscious|awake|responding|talking) (?:fine|ok|okay|normally|normal|now|again)\b(?! (?:but|though|just|and (?:wont|cant|not)))",
)

_GUARD_RE = re.compile("|".join(f"(?:{g})" for g in _GUARDS + _NEGATION_GUARDS))

# Clauses that leave an event in the past, and clauses that bring it into the present.
_PAST_RE = re.compile(
    r"\b(?:\w+ (?:years?|months?|weeks?) ago|years ago|months ago|weeks ago|a while ago|ages ago|"
    r"last (?:year|month|summer|winter|spring|autumn|christmas|xmas)|in (?:19|20)\d\d|"
    r"when i was (?:younger|a kid|a teenager|a teen|at school|little|in my|\d+)|as a (?:kid|teenager|teen|child)|"
    r"in my (?:teens|twenties|thirties|forties|20s|30s|40s|youth)|"
    r"used to|back in|back then|in the past|years back|once before|previously)\b"
)
_RECOVERY_RE = re.compile(
    r"\b(?:(?:and |but )?now (?:im|i am|hes|shes|theyre|were|i have been|ive been|been|he is|she is) |"
    r"(?:im|i am|ive been|i have been|been) )(?:clean|sober|dry|in recovery|recovering|doing (?:well|ok|okay|better)|off it|off the gear|abstinent)\b|"
    r"\b(?:im|i am|hes|shes) (?:ok|okay|fine|better|well) now\b|\bnow (?:im|i am|hes|shes) (?:ok|okay|fine|better|well)\b"
)
_URGENT_NOW_RE = re.compile(
    r"\b(?:again|right now|just now|tonight|today|currently|at the moment|atm|isnt|wont|cant|now (?:he|she|they|my|his|her|hes|shes|theyre))\b"
)
# A match that itself describes the present ("isnt", "-ing", "want") is never a past event.
_PRESENT_IN_MATCH_RE = re.compile(
    r"\b(?:is|isnt|are|arent|aint|wont|cant|not|hes|shes|theyre|im|want|keep|keeps|now|still|"
    r"(?!(?:poisoning|bleeding|feeling|something|nothing|anything|everything|morning|evening|"
    r"living|meeting|training|being|during|thing)\b)\w+ing)\b"
)

# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

_PARENT = (
    r"(?:mum|mam|mom|mummy|mommy|mother|dad|daddy|father|nan|nana|nanna|gran|grandma|grandad|"
    r"granddad|grandpa|step ?dad|step ?mum|stepdad|stepmum|parent|parents|carer|auntie|aunt|uncle)"
)
_DRUGS = (
    r"(?:pills|pill|tablets|tablet|meds|medication|medicine|paracetamol|cocodamol|codeine|"
    r"tramadol|pregabalin|pregab|gabapentin|gabbies|diazepam|valium|vallies|xanax|benzos|benzo|"
    r"sleeping pills|sleepers|painkillers|insulin|methadone|meth|heroin|gear|smack|brown|fent|"
    r"fentanyl|spice|ket|ketamine|coke|cocaine|crack|mdma|pingers|opiates|opioids|morphine|oxy|"
    r"oxycodone|ghb|gbl|subutex|bupe|buprenorphine|antidepressants|sertraline|citalopram|"
    r"amitriptyline|mirtazapine|zopiclone|lithium|propranolol|stuff|drugs|nitazenes|nitazene)"
)
# Past forms only: "i take too much codeine" is a habit to talk about, not an overdose now.
_TAKE_PAST = (
    r"(?:took|taken|had|done|did|used|swallowed|necked|dropped|injected|smoked|snorted|"
    r"ate|eaten|downed|just)"
)
_CHEMICALS = (
    r"(?:bleach|antifreeze|anti freeze|screenwash|screen wash|cleaning (?:stuff|products?|fluid|spray)|"
    r"washing (?:up )?liquid|detergent|dishwasher tablets?|washing tablets?|washing pods?|tide pods?|"
    r"laundry (?:pods?|capsules?|tablets?)|weedkiller|weed killer|rat poison|slug pellets|"
    r"white spirit|paraffin|petrol|methanol|meths|surgical spirit|hand sanitiser|hand sanitizer|"
    r"hand gel|cleaning cupboard|under the sink|medicine cabinet|medicine cupboard|button batter(?:y|ies)|batter(?:y|ies)|lighter fluid|mouthwash|perfume|aftershave|"
    r"e liquid|vape juice|nicotine liquid|drain cleaner|toilet cleaner|oven cleaner)"
)
_YOUNG_CHILD = (
    r"(?:baby|babys|toddler|little one|little ones|kid|kids|child|children|little boy|little girl|"
    r"little lad|little brother|little sister|grandson|granddaughter|grandchild|"
    r"\d{1,2} ?(?:years?|yrs?|yo|y o)(?: old)?|(?:one|two|three|four|five|six|seven|eight|nine|ten) (?:years?|yrs?|yo)(?: old)?)"
)
_OBJ = r"(?:me|us|her|him|them|my \w+|mum|mam|mom|dad|the kids|the baby|kids|baby|the children|my kids)"
_HARM_VERBS = (
    r"(?:hitting|beating|punching|kicking|strangling|choking|attacking|hurting|stabbing|"
    r"battering|slapping|threatening|throttling|smacking|dragging|shoving|pushing|"
    r"hit|beat|punched|kicked|attacked|stabbed|slapped|threatened|battered|pushed|shoved|"
    r"headbutted|strangled|choked|throttled|smacked|dragged|bit|burnt|burned)"
)
_NUMBER_8_PLUS = (
    r"(?:[89]|[1-9]\d+|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    r"a dozen|dozen|a hundred|loads|lots|a load|a lot|a handful|handful|a bunch|handfuls|hundreds)"
)

_RULES: tuple[tuple[str, CrisisType, str], ...] = (
    # --- not breathing -----------------------------------------------------------------
    ("not_breathing.negated", CrisisType.NOT_BREATHING,
     r"\b(?:not|isnt|aint|arent|wasnt|stopped|stops|stop|stopping|hardly|barely|no|cant|couldnt|doesnt|dont|didnt|struggling to|struggles to|struggling|struggle to|difficulty|trouble|problems?|fighting for)\b(?: \w+){0,4} (?:breathing|breathe|breath|breaths)\b"),
    ("not_breathing.unsure", CrisisType.NOT_BREATHING,
     r"\b(?:cant tell|cant see|cant hear|cant feel|not sure|dont know|unsure|no idea) (?:if|whether) (?:\w+ ){0,3}(?:breathing|breathes|breathe)\b"),
    ("not_breathing.blue", CrisisType.NOT_BREATHING,
     r"\b(?:lips?|face|skin|fingers|fingertips|nails|mouth|hands|he|she|hes|shes|they|theyre)\b(?: \w+){0,2} (?:blue|grey|gray|purple|bluey|blueish|bluish)\b"),
    ("not_breathing.turning_blue", CrisisType.NOT_BREATHING,
     r"\b(?:turning|turned|gone|going|went|turnin|goes|look|looks|looking)\b(?: \w+){0,2} (?:blue|grey|gray|purple|bluey|blueish|bluish)\b"),
    ("not_breathing.is_blue", CrisisType.NOT_BREATHING,
     r"\b(?:is|s|are|hes|shes|theyre) (?:all |really |a bit |very |kind of |kinda |properly )?(?:blue|purple|bluey|bluish|blueish)\b"),
    ("not_breathing.blue_lips", CrisisType.NOT_BREATHING,
     r"\b(?:blue|grey|gray|purple|bluish|blueish) (?:lips?|face|fingers|skin|tinge|around the mouth)\b"),
    ("not_breathing.no_pulse", CrisisType.NOT_BREATHING,
     r"\b(?:no|cant find(?: a| his| her| their| any)?|cant feel(?: a| his| her| their| any)?|without a|weak|faint) pulse\b|\bno heart ?beat\b|\bheart (?:has |s )?stopped\b"),
    ("not_breathing.choking", CrisisType.NOT_BREATHING,
     r"\bchok(?:ing|ed|es|in)\b(?! (?:me|her|him|them|us|my|mum|dad|mam|mom)\b)"),
    ("not_breathing.maybe_dead", CrisisType.NOT_BREATHING,
     r"\b(?:think|thinks|might be|may be|could be|looks|look|looking|seems|is (?:he|she|they|my \w+)|hes|shes|theyre) (?:\w+ ){0,3}dead\b(?! (?:for|since|years|months))|\bfound (?:him|her|them|my \w+)(?: \w+){0,2} dead\b|\b(?:he|she|they|my \w+) (?:just |has just )died\b|\bhes dead\b|\bshes dead\b"),
    ("not_breathing.chest", CrisisType.NOT_BREATHING,
     r"\bchest (?:isnt|is not|not|has stopped|stopped|aint) (?:moving|rising|going up and down|going up)\b"),
    ("not_breathing.cpr", CrisisType.NOT_BREATHING,
     r"\b(?:cpr|mouth to mouth|chest compressions|rescue breaths|defib|defibrillator)\b"),
    ("not_breathing.abnormal", CrisisType.NOT_BREATHING,
     r"\bbreath(?:ing|s)?\b(?: \w+){0,3} (?:weird|funny|strange|odd|slow|shallow|rattly|rattling|gurgling|gurgly|noisy|wrong|irregular|slowly|weirdly|really slow|very slow|stopping|stopped)\b|\b(?:gurgling|rattling|rasping|snoring|gasping)\b(?: \w+){0,2} (?:noise|noises|sound|sounds|breath|breathing|for air)\b|\bgasping\b"),
    # --- unconscious --------------------------------------------------------------------
    ("unconscious.word", CrisisType.UNCONSCIOUS,
     r"\b(?:unconscious|unresponsive|unrousable|semiconscious|comatose|in a coma|out cold|knocked out|knocked (?:himself|herself|themselves|him|her|them) out|lost consciousness|losing consciousness|not conscious|in and out of consciousness|drifting in and out|unconsciousness)\b"),
    ("unconscious.cant_wake", CrisisType.UNCONSCIOUS,
     r"\b(?:cant|couldnt|unable to|trying to|tried to|try to|cant seem to|cant get)\b(?: \w+){0,3} (?:wake|waken|rouse|wakeup)\b(?! up\b)(?! (?:me|myself)\b)|\b(?:cant|couldnt) get (?:him|her|them|my \w+|\w+) to (?:wake|come round|respond|open)\b|\b(?:cant|couldnt) (?:wake|rouse) (?:him|her|them|my \w+|mum|dad|mam|mom)\b"),
    ("unconscious.wont_wake", CrisisType.UNCONSCIOUS,
     r"(?<!\bi )(?<!\bim )(?<!\bsleep and )\b(?:wont|wnt|wouldnt|isnt|not|aint|doesnt|didnt|no)\b(?: \w+){0,2} (?:wake|waking|woken|wakeing|waken|wakeup|rouse|rousing|come round|coming round|responding|respond|reacting|react|awake)\b(?! (?:to (?:my |his |her )?(?:texts?|messages?|calls?)))"),
    ("unconscious.not_moving", CrisisType.UNCONSCIOUS,
     r"(?<!\bi )(?<!\bim )\b(?:not|isnt|wont|stopped|aint)\b (?:\w+ )?(?:moving|move)\b(?! (?:out|on|in|house|away|back|forward|forwards|it|from|to))"),
    ("unconscious.collapsed", CrisisType.UNCONSCIOUS,
     r"\b(?:collapsed|collapse|collapsing|fainted|keeled over|blacked out and|went limp|gone limp|is limp|floppy|limp and|slumped)\b"),
    ("unconscious.passed_out", CrisisType.UNCONSCIOUS,
     r"(?<!\bi )(?<!\bive )(?<!\bkeep )(?<!\bjust )(?<!\bhad )\b(?:passed|past|pased|pass) out\b|\b(?:is|hes|shes|theyre) passing out\b"),
    ("unconscious.on_floor", CrisisType.UNCONSCIOUS,
     r"\b(?:lying|laying|layin|lyin|led|collapsed|slumped|face down|found (?:him|her|them|my \w+)) (?:on|in) (?:the )?(?:floor|ground|bathroom floor|kitchen floor|pavement|street|road|toilet|bath)\b|\bfound (?:him|her|them|my \w+) (?:on the floor|unconscious|collapsed|slumped)\b|\b(?:hes|shes|theyre|is|mums|dads|mams|moms|nans|sons|daughters|brothers|sisters|partners|husbands|wifes|mates|friends|boyfriends|girlfriends) (?:just |still |now )?(?:lying |laying |collapsed |flat )?on the (?:floor|ground|bathroom floor|kitchen floor)\b|\bhit (?:his|her|their) head\b|\bwhite as a sheet\b|\bcold and (?:clammy|grey|blue)\b|\beyes (?:wont|are not|arent|not) (?:open|opening)\b|\b(?:wont|cant|not|isnt|doesnt) (?:open|opening) (?:his|her|their) eyes\b"),
    # --- seizure --------------------------------------------------------------------------
    ("seizure.word", CrisisType.SEIZURE,
     r"\b(?:seizure|seizures|seizing|convulsing|convulsion|convulsions|convulsed|fitting|fitted and|fits|epileptic|grand mal|tonic clonic|jerking|juddering|the dts|dts|delirium tremens|withdrawal fits?|rum fits?)\b"),
    ("seizure.fit", CrisisType.SEIZURE,
     r"\b(?:having|had|has|have|in|into|another|withdrawal|alcohol|epileptic|massive|big|bad|started|starting|gone into|going into|went into|took|thrown|throwing) (?:a |another |an |\w+ )?fits?\b"),
    ("seizure.shaking", CrisisType.SEIZURE,
     r"\b(?:wont|cant|will not|cannot|not) stop (?:shaking|twitching|jerking)\b|\bshaking (?:uncontrollably|all over and|violently|and (?:jerking|twitching|stiff|foaming))\b|\b(?:eyes|eye) (?:have |are |is )?(?:rolled|rolling|rolls) (?:back|up)\b|\brolled back in (?:his|her|their) head\b|\bfoaming\b|\bfroth(?:ing)? at the mouth\b|\bstiff and (?:shaking|jerking)\b"),
    # --- overdose -------------------------------------------------------------------------
    ("overdose.word", CrisisType.OVERDOSE,
     r"\b(?:overdose|overdosed|overdosing|overdoses|oding|oded|od|an od|overdoseing)\b"),
    ("overdose.odd", CrisisType.OVERDOSE,
     r"\b(?:hes|shes|he|she|they|theyve|theyre|i|ive|im|has|have|just|think|might have|may have|mate|friend|son|daughter|brother|sister|dad|mum|partner|boyfriend|girlfriend|husband|wife) (?:just |has |have |had |prob |probably |maybe |def |definitely |might have |may have )?odd\b(?! (?:one|thing|job|bit|time|times|way|socks|feeling|how|that|for|as|about|look|looking))"),
    ("overdose.too_much", CrisisType.OVERDOSE,
     rf"\b{_TAKE_PAST}\b(?: \w+){{0,3}} too (?:much|many)\b(?: \w+){{0,2}} {_DRUGS}\b|\b(?:took|taken|swallowed|necked|popped|dropped|injected|done)\b(?: \w+){{0,2}} too many\b|\btoo (?:much|many) {_DRUGS}\b(?: \w+){{0,2}} (?:and|now)\b(?: \w+){{0,2}} (?:not|wont|cant|isnt|sick|weird|passed|blue|grey)"),
    ("overdose.took_too_much", CrisisType.OVERDOSE,
     r"\b(?:took|taken|done|used|swallowed|necked|injected|smoked|snorted|dropped|popped)\b (?:way |far |much |a bit |slightly |a little )?too (?:much|many)\b"),
    ("overdose.whole_packet", CrisisType.OVERDOSE,
     rf"\b(?:whole|entire|full|all (?:the|my|his|her|their|of (?:the|my|his|her|their)))\b (?:\w+ )?(?:packet|packets|pack|packs|box|boxes|strip|strips|blister|tub|jar|prescription|script|supply|stash|bottle of (?:\w+ )?(?:pills|tablets|paracetamol|meds|methadone|medicine|medication|painkillers))\b|\b(?:took|taken|swallowed|necked|had|ate|eaten|downed) (?:a|the|his|her|my|their) (?:packet|pack|box|strip|tub|bottle) of (?:\w+ )?(?:pills|tablets|paracetamol|meds|methadone|medicine|medication|painkillers|cocodamol|codeine|ibuprofen|aspirin|diazepam|tramadol|sleeping pills|antidepressants)\b|\b(?:took|taken|swallowed|necked|had|ate|eaten|downed) (?:all|every) (?:of )?(?:my|his|her|their|the|them|those|these)?\s?(?:\w+ )?{_DRUGS}\b"),
    ("overdose.several_packets", CrisisType.OVERDOSE,
     r"\b(?:took|taken|swallowed|had|necked|ate|eaten|downed|done)\b (?:\w+ )?(?:[2-9]|\d\d|two|three|four|five|six|several|a few|couple of|a couple of) (?:boxes|packets|packs|strips|blisters|bottles|tubs)\b"),
    ("overdose.big_amount", CrisisType.OVERDOSE,
     r"\b(?:took|taken|had|done|used|swallowed|necked|injected|smoked|snorted|ate|eaten|downed)\b (?:a |an |such a |way )?(?:massive|huge|big|large|crazy|mad|insane|stupid|silly|dangerous|ridiculous) (?:amount|dose|load|lot|bag|line|quantity)s?\b"),
    ("overdose.many_pills", CrisisType.OVERDOSE,
     rf"\b(?:took|taken|swallowed|necked|had|ate|eaten|downed|popped|dropped|done)\b(?: \w+){{0,2}} {_NUMBER_8_PLUS}(?: of)?(?: \w+){{0,2}} {_DRUGS}\b"),
    ("overdose.mixed", CrisisType.OVERDOSE,
     rf"\b(?:mixed|mixing|taken|took|had|done)\b(?: \w+){{0,2}} {_DRUGS} (?:with|and|on top of) (?:\w+ ){{0,2}}(?:drink|alcohol|booze|vodka|wine|beer|cans|gear|heroin|methadone|spice|benzos|xanax|valium|pills|ket|ghb|gbl)\b"),
    ("overdose.signs", CrisisType.OVERDOSE,
     r"\b(?:pinned|pinpoint|pin point|tiny) pupils\b|\blaced with\b|\b(?:gave|given|give|giving|used|use|using|injected|inject|sprayed|spray|need|needs|got) (?:\w+ ){0,2}(?:naloxone|narcan|nyxoid|prenoxad)\b|\b(?:naloxone|narcan|nyxoid|prenoxad) (?:isnt|not|didnt|hasnt) work"),
    # --- poisoning ------------------------------------------------------------------------
    ("poisoning.word", CrisisType.POISONING,
     r"\b(?:poisoned|poisoning|poison|poisonous|toxic dose|alcohol poisoning)\b"),
    ("poisoning.chemical", CrisisType.POISONING,
     rf"\b(?:drank|drunk|drink|drinking|swallowed|swallow|ate|eaten|eating|had|got into|been at|been in|chewed|chewing|sucked|licked|found (?:\w+ )?with)\b(?: \w+){{0,3}} {_CHEMICALS}\b"),
    ("poisoning.child_ingested", CrisisType.POISONING,
     rf"\b{_YOUNG_CHILD}\b(?: \w+){{0,4}} (?:drank|drunk|swallowed|ate|eaten|got into|been at|chewed|had|taken|took|found with|has had|sucked|licked|eating|drinking|swallowing)\b(?: \w+){{0,3}} (?:{_DRUGS}|{_CHEMICALS}|vodka|gin|wine|beer|cider|alcohol|drink|booze|spirits|whisky|whiskey|rum|cannabis|weed|edibles|gummies|vape|nicotine)\b"),
    ("poisoning.child_found", CrisisType.POISONING,
     rf"\b{_YOUNG_CHILD}\b(?: \w+){{0,2}} (?:found|got hold of|got into|been into|been in|got at|been at)\b(?: \w+){{0,3}} (?:{_DRUGS}|{_CHEMICALS}|edibles|gummies|weed|cannabis|vodka|alcohol|booze|wine|spirits)\b"),
    ("poisoning.child_drank_something", CrisisType.POISONING,
     rf"\b{_YOUNG_CHILD}\b(?: \w+){{0,8}} (?:drank|drunk|swallowed|ate|eaten|chewed|has had|licked) (?:something|summat|some of it|stuff|it|them|one|some)\b"),
    ("poisoning.bottle_and_sick", CrisisType.POISONING,
     r"\b(?:whole|full|entire) (?:bottle|litre|liter) of (?:vodka|gin|whisky|whiskey|rum|spirits|brandy|tequila|jager|sambuca)\b(?: \w+){0,4} (?:being sick|sick|vomiting|throwing up|passed out|wont|cant|unconscious|not)\b"),
    ("poisoning.young_child_age_after", CrisisType.POISONING,
     rf"\b(?:drank|drunk|swallowed|ate|eaten|got into|chewed|has had|taken|took|licked)\b(?: \w+){{0,3}} (?:{_DRUGS}|{_CHEMICALS}|vodka|gin|wine|beer|cider|alcohol|drink|booze|spirits|whisky|whiskey|rum|cannabis|weed|edibles|gummies|vape|nicotine)\b(?=.*\b(?:hes|shes|he is|she is|theyre|whos|who is) (?:only |just )?(?:[1-9]|10|11|one|two|three|four|five|six|seven|eight|nine|ten|eleven)\b(?! (?:months?|weeks?|days?|hours?|pints?|cans?|units?)))"),
    ("poisoning.methadone_other", CrisisType.POISONING,
     r"(?<!\bi )(?<!\bive )\b(?:drank|drunk|took|taken|swallowed|had|got into|been at|found (?:\w+ )?with)\b (?:some (?:of )?|all (?:of )?)?(?:my|mine|his|her|their|the|dads|mums|someone elses) (?:methadone|subutex|bupe|buprenorphine|fentanyl patch|fent patch|oramorph|morphine)\b"),
    ("poisoning.someone_elses_meds", CrisisType.POISONING,
     rf"(?<!\bi )(?<!\bive )(?<!\bi have )(?<!\bi just )\b(?:swallowed|ate|eaten|drank|drunk|got into|chewed|taken|took) (?:some |a few |one |two |all |loads )?(?:of )?(?:my|mine|mums|dads|his mums|her mums|his dads|her dads|nans|grandads|someone elses) (?:\w+ )?{_DRUGS}\b"),
    ("poisoning.spiked", CrisisType.POISONING,
     r"\b(?:spiked|been spiked|got spiked|spiking)\b|\b(?:put|slipped|added|dropped) (?:something|summat|stuff|some \w+|a pill|pills) (?:in|into) (?:my|her|his|their|our) (?:drink|pint|glass|food)\b"),
    ("poisoning.edibles", CrisisType.POISONING,
     r"\b(?:ate|eaten|has eaten|had|swallowed) (?:my|his|her|the|some|some of my|all the|all my|a whole|a load of|loads of) (?:\w+ )?(?:edibles|gummies|cannabis sweets|weed sweets|space cakes?|weed brownies|hash brownies)\b"),
    ("poisoning.bottle", CrisisType.POISONING,
     r"\b(?:just|has|have|hes|shes|ive|has just|have just|theyve)\b(?: \w+){0,1} (?:drank|drunk|downed|necked|finished)\b (?:a |the |nearly a |almost a )?(?:whole|full|entire|litre|liter|70cl|1l) (?:bottle|litre|liter)?\b(?: of)?(?: \w+)? (?:vodka|gin|whisky|whiskey|rum|spirits|brandy|tequila|jager)\b"),
    ("poisoning.vomiting_blood", CrisisType.POISONING,
     r"\b(?:vomiting|vomited|throwing up|threw up|sick|spewing|coughing up|coughing) (?:up )?(?:blood|black stuff|coffee grounds)\b|\bsick (?:with|and) blood\b"),
    ("poisoning.choking_vomit", CrisisType.POISONING,
     r"\b(?:being sick|vomiting|throwing up)\b(?: \w+){0,3} (?:wont|cant|not|isnt|unconscious|passed out|asleep and)\b"),
    # --- violence -------------------------------------------------------------------------
    ("violence.harm_now", CrisisType.VIOLENCE,
     rf"\b(?:hes|shes|theyre|he is|she is|they are|hes been|shes been|keeps|keep|is|was|started|been|he|she|they|theyve|hes just|shes just|he just|she just|someone|somebody|someones|partner|boyfriend|girlfriend|husband|wife|son|daughter|dad|mum|brother|has|have) (?:\w+ ){{0,2}}{_HARM_VERBS} {_OBJ}\b(?! (?:to it)\b)"),
    ("violence.harm_object", CrisisType.VIOLENCE,
     rf"\b(?:hitting|beating|punching|kicking|strangling|choking|attacking|stabbing|battering|slapping|throttling|smacking|headbutting|punched|kicked|strangled|choked|attacked|stabbed|slapped|battered|headbutted|throttled|beaten) {_OBJ}\b(?! (?:to it|at)\b)"),
    ("violence.beat_up", CrisisType.VIOLENCE,
     rf"\b(?:beating|beat|battering|kicking|smacking|knocking) (?:up|seven bells out of|the hell out of|the shit out of) {_OBJ}\b"),
    ("violence.weapon", CrisisType.VIOLENCE,
     r"\b(?:got|has|have|had|holding|with|pulled|pulling|waving|grabbed|picked up|carrying|threatening (?:me|us|him|her|them) with|threatened (?:me|us|him|her|them) with|came at me with|coming at me with|hes got|shes got) (?:a |the |an |his |her |their |my )?(?:knife|knifes|knives|blade|machete|gun|hammer|bat|baseball bat|weapon|axe|crowbar|screwdriver|bottle at)\b|\b(?:stabbed|been stabbed|got stabbed|shot|been shot)\b"),
    ("violence.threat", CrisisType.VIOLENCE,
     rf"\b(?:will|ll|hell|shell|theyll|itll|going to|might|could|wants to|want to|threatened to|threatening to|threatens to|says hell|said hell|says shell|said shell|trying to|tried to|about to) (?:\w+ )?(?:hurt|kill|stab|hit|batter|beat|strangle|attack|murder|smash|shoot|burn|choke) {_OBJ}\b(?! (?:up|to it)\b)"),
    ("violence.unsafe", CrisisType.VIOLENCE,
     r"\b(?:im not safe|i am not safe|not safe (?:at home|here|with him|with her|in the house|in my house|to go home)|dont feel safe|do not feel safe|in danger|scared for my life|fear for my life|fearing for my life|locked (?:myself|me|us|ourselves) in|hiding (?:from him|from her|from them|in the)|wont let me (?:leave|go|out)|kicking (?:the|my) door|trying to (?:get in|break in|kick the door)|smashing (?:the house|the place|things|stuff|everything|the flat|my stuff) ?(?:up)?|smashing up|breaking down the door|domestic violence|domestic abuse|help me hes|help me shes|being attacked|getting attacked|being beaten|getting beaten|being hit|getting hit)\b"),
    # --- suicidal -------------------------------------------------------------------------
    ("suicidal.kill_myself", CrisisType.SUICIDAL,
     r"\b(?:kill|killing|kil|kiling|killed|end|ending|ended|take|taking|took|finish|finishing|hang|hanging|hung|shoot|shooting|drown|drowning|gas|gassing|off) (?:myself|my own life|my life|meself)\b"),
    ("suicidal.word", CrisisType.SUICIDAL,
     r"\b(?:suicide|suicidal|suicidally|suicide note|sewer slide|attempted suicide|attempt suicide)\b"),
    ("suicidal.end_it", CrisisType.SUICIDAL,
     r"\b(?:end|ending|finish|finishing) (?:it all|it|everything|things|this|my misery)\b(?! (?:with|between|off)\b)|\bcall it a day\b(?! (?:with|between))|\bwant (?:it|this|everything) (?:all )?(?:to|2) (?:stop|end|be over)\b|\bmake (?:it|this|everything) (?:all )?stop\b|\bwant (?:all )?(?:this|it|everything) to be over\b|\bjust want (?:it|this|everything) (?:all )?(?:to )?(?:stop|end|be over)\b"),
    ("suicidal.want_to_die", CrisisType.SUICIDAL,
     r"\b(?:want|wnt|wants|wanted|wanting|ready|going|deserve|deserves|like) (?:to|2) (?:die|be dead|not exist|not be here|not be alive|disappear forever)\b|\b(?:wish|wishing|rather|better off|be better off|should just) (?:i )?(?:was |were |be |am )?(?:dead|not here|never born|gone|not alive|die)\b|\bbetter off (?:dead|without me|if i was gone|if i wasnt here)\b|\b(?:everyone|they|family|kids|world)(?: \w+){0,3} better (?:off )?without me\b|\bi should just die\b|\bim going to die\b|\blet me die\b|\b(?:feel|feeling|felt) like (?:dying|ending it|ending it all|killing myself|giving up on life|i want to die|not being here)\b|\b(?:had enough|sick|tired|done) (?:of|with) (?:life|living|everything|it all|being alive|this life|existing)\b|\b(?:im done|i am done|i give up|its over|this is the end|thats it)\b(?: \w+){0,2} (?:goodbye|bye forever|farewell|goodbye everyone)\b|\bwish i (?:wasnt|werent|was not|didnt|did not|could) (?:alive|here|exist|born|around|die|disappear)\b|\b(?:nobody|no one|noone|no body) (?:would|will|is going to|going to) (?:miss|notice|care|even notice)\b|\bif i (?:was|were|am) (?:gone|dead|not here|not around)\b|\bif i (?:died|wasnt here|werent here|wasnt around)\b|\b(?:not|isnt|aint) worth (?:living|it anymore|it any more|being alive|going on)\b|\bmight as well (?:be dead|die|end it|not be here|not exist|kill myself)\b|\bwhy am i (?:still )?alive\b"),
    ("suicidal.dont_want_to_live", CrisisType.SUICIDAL,
     r"\b(?:dont|do not|didnt|doesnt|no longer) (?:really )?(?:want|wnt) (?:to|2) (?:be here|live|exist|wake up|be alive|be around|carry on|go on|keep going|be in this world|see tomorrow|see another day)\b|\b(?:hope|wish|pray) i (?:dont|never|do not|wont) wake up\b|\b(?:go to|going to|fall) sleep and (?:not|never) wake\b|\bsleep forever\b|\bnever wake up\b|\bnot wake up\b|\bwant to disappear\b|\bdisappear forever\b"),
    ("suicidal.no_point", CrisisType.SUICIDAL,
     r"\bno (?:point|reason|purpose)(?: \w+){0,3} (?:living|keep living|live|be alive|keep going|go on|going on|carrying on|being alive|being here|life|in life|to life|in anything|to anything|anymore|any more|existing|me being here|keeping going)\b|\bnothing (?:left )?to live for\b|\b(?:whats|what is|dont see|cant see|see no) (?:the )?point (?:of|in|to) (?:living|life|anything|going on|carrying on|it all|being here|being alive|me|existing|any of it)\b|\b(?:give|giving|given|gave) up on (?:life|living|everything|myself)\b|\b(?:done|finished) with (?:life|living|everything|it all)\b|\b(?:tired|sick) of (?:living|being alive|life|existing)\b"),
    ("suicidal.cant_go_on", CrisisType.SUICIDAL,
     r"\b(?:cant|couldnt|cannot|can not) (?:go on|carry on|keep going|do this|take (?:it|this|any more|anymore)|live like this|keep living|handle (?:it|this|life))(?: like this)?(?: (?:anymore|any more|no more|much longer))\b|\b(?:cant|cannot) (?:go on|carry on|keep going)\b(?! (?:with|like this with|because|cos|if|until|till|and (?:on|on)))|\b(?:cant|cannot) do (?:this|it) (?:anymore|any more|no more)\b|\b(?:im|i am|feel like|feel) (?:such )?a burden\b|\bburden (?:to|on) (?:everyone|my family|them|you all|my kids)\b"),
    ("suicidal.method", CrisisType.SUICIDAL,
     r"\bjump(?:ing|ed)? (?:off|in front|from)\b|\b(?:going to|about to|ready to|want to|gonna) jump\b(?= \||$| now| tonight| off| from| in front)|\b(?:in front of|under) (?:a |the )?(?:train|bus|car|lorry|truck)\b|\boff (?:a |the )?(?:bridge|cliff|roof|building|multi storey|car park)\b|\b(?:standing|sat|sitting|stood|im) (?:on|at) (?:the |a )?(?:edge|ledge|bridge|roof|cliff|top of (?:a|the) (?:building|car park|multi storey)|railway line|train tracks|tracks)\b|\b(?:going to|gonna|planning to|plan to|want to|about to|thinking of|thinking about|ready to) (?:take|taking|swallow|swallowing|neck|necking|down) (?:all|every|a whole|the whole|loads|everything|an overdose)\b|\b(?:slit|slitting|slash|slashing) (?:my|his|her) (?:wrists?|throat)\b|\b(?:a |the )?rope (?:ready|around|round)\b|\b(?:this is|saying|say) goodbye\b(?! to)|\bgoodbye (?:forever|everyone|world|all)\b|\b(?:wrote|written|writing|write) (?:a |my )?(?:note|letter|goodbye|last letter|will)\b|\b(?:last|final) (?:message|text|goodbye|words)\b|\bstockpil(?:e|ed|ing|ling)\b|\b(?:got|have|ive got|bought|found|tied|ive bought) (?:a |the )?(?:rope|noose)\b|\bnoose\b|\b(?:pills|tablets|meds|rope|blade|razor|knife) (?:are |is )?(?:ready|lined up|counted out|all out in front of me)\b|\b(?:got|have|ive got|collected|saved|saving) (?:\w+ ){0,2}(?:pills|tablets|meds|rope) (?:ready|together|to do it)\b|\bsaving up (?:my |me )?(?:pills|tablets|meds)\b"),
    # --- self-harm ------------------------------------------------------------------------
    ("self_harm.myself", CrisisType.SELF_HARM,
     r"\b(?:cut|cutting|cuts|cutt|slice|slicing|sliced|burn|burning|burnt|burned|scratch|scratching|scratched|scrape|scraping|hurt|hurting|harm|harming|harmed|hit|hitting|punch|punching|starve|starving|stab|stabbing|stabbed|bite|biting|bruise|bruising|carve|carving|carved|injure|injuring|injured|bang|banging) (?:myself|my arms?|my wrists?|my legs?|my thighs?|my skin|my stomach)\b|\b(?:cut|cutting|cuts|slicing|sliced|burning|burnt|burned|scratching|harming|harmed|carving|carved) (?:himself|herself|themselves|themself|again|their arms?|his arms?|her arms?|his wrists?|her wrists?)\b|\b(?:been|started|keeps|keep|is|hes|shes|im|ive been) cutting\b(?! (?:down|back|out|off|ties|contact|corners))"),
    ("self_harm.word", CrisisType.SELF_HARM,
     r"\b(?:self harm|self harming|self harmed|self harms|self injury|self injure|self injuring|self harmer)\b"),
    ("self_harm.sh", CrisisType.SELF_HARM,
     r"\b(?:relapsed|relapse|urge|urges|did|done|do|doing|stop|stopped|clean from|been|went) (?:on |to |from )?sh\b|\bsh (?:again|urges|relapse|tonight|scars)\b"),
    ("self_harm.urge_to_cut", CrisisType.SELF_HARM,
     r"\b(?:urge|urges|tempted|itching) (?:to |2 )?(?:cut|cutting|burn|burning|hurt|harm)\b|\b(?:want|wanting|need|needing|going|about) (?:to |2 )?(?:cut|cutting|burn)\b(?= (?:again|tonight|deep|deeper|myself|my (?:arms?|wrists?|legs?|skin)|so bad|really bad)\b| \||$)|\bcut (?:too )?(?:deep|deeper|again|really bad)\b|\b(?:bang|banging|hit|hitting|smash|smashing|punch|punching) my head (?:against|on|off|into)\b|\b(?:till|until|til) (?:it|i|they) bleeds?\b|\bwont stop bleeding\b|\b(?:cant|cannot) stop (?:the )?bleeding\b|\bbleeding (?:a lot|loads|badly|heavily|everywhere|really bad|so much|wont stop)\b|\bblood everywhere\b|\bbleeding out\b|\bwrists\b|\bblade\b|\brazor\b"),
)

_COMPILED_RULES: tuple[tuple[str, CrisisType, re.Pattern[str]], ...] = tuple(
    (name, crisis_type, re.compile(pattern)) for name, crisis_type, pattern in _RULES
)

# --- child at risk --------------------------------------------------------------------------
_CHILD_AGE_RE = re.compile(
    r"\b(?:im|i am|am|me|iam|i m) (?:only |just |)(?:[4-9]|1[0-5]|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)\b(?: (?:years?|yrs?|yo)(?: old)?)?(?! (?:weeks?|months?|days?|hours?|hrs|minutes?|mins?|pints?|cans?|units?|am|pm|oclock|miles?|stone|kg|quid|pounds?|grand|k|percent|times|of))"
)
_CHILD_WORDS_RE = re.compile(
    r"\b(?:mummy|daddy|mommy|my mama|my papa|a grown up|grown ups|grownups|no grown up|my teacher|"
    r"home alone|(?:me and|and me|with) my (?:little|baby) (?:brother|sister)|my (?:little|baby) (?:brother|sister) and me)\b"
)
_ALONE_RE = re.compile(
    r"\b(?:on my own|by myself|home alone|im alone|i am alone|all alone|no one else|nobody else|noone else|no one here|nobody here|no grown ups?|no grownups|no adults?|just me and|just me here|only me here|me and my (?:little|baby) (?:brother|sister)|looking after my (?:little|baby) (?:brother|sister))\b"
)
_PARENT_RE = re.compile(rf"\b{_PARENT}\b")
# Strong signs that the adult cannot look after the child right now, and weaker ones that only
# count when the child also says they are alone.
_STRONGLY_INCAPACITATED_RE = re.compile(
    r"\b(?:on the floor|on the ground|fell|fallen|fell over|wont get up|cant get up|not talking|"
    r"wont talk|cant talk|wont move|cant move|bleeding|not answering me|wont answer me)\b"
)
_INCAPACITATED_RE = re.compile(
    r"\b(?:drunk|wasted|out of it|off (?:his|her|their) (?:face|head)|asleep|being sick|sick|"
    r"not well|poorly|ill|hurt)\b"
)
# Incapacity types that can make a child "alone with a collapsed adult".
_INCAPACITY_TYPES = frozenset(
    {
        CrisisType.NOT_BREATHING,
        CrisisType.UNCONSCIOUS,
        CrisisType.SEIZURE,
        CrisisType.OVERDOSE,
        CrisisType.POISONING,
    }
)


# --- alcohol or benzodiazepine withdrawal ---------------------------------------------------
# Stopping drink or benzodiazepines suddenly can bring fits and delirium tremens (confusion, seeing things),
# which can kill. People describe it in ordinary words, not as "DTs": the rule needs a sign that they stopped
# and a danger sign, anywhere in the message. Shakes or sweats alone ("i get the shakes until i have a drink")
# are the everyday dependence we help with, not an emergency.
_STOPPED_RE = re.compile(
    r"\b(?:stopped|stopping|stop|quit|quitting|gave up|given up|giving up|came off|come off|coming off|"
    r"cut out|ran out of|run out of|no more|without|off the|been off|not had|havent had|hasnt had|"
    r"havent touched|hasnt touched|no)\s+(?:\w+\s+){0,2}(?:drink|drinking|booze|alcohol|bevvy|vodka|cans|"
    r"diazepam|valium|vallies|benzos?|xanax|pregabalin|pregab|gabapentin|librium|chlordiazepoxide|lorazepam|"
    r"clonazepam|temazepam|zopiclone|tablets|meds|medication|sleeping pills)\b"
    r"|\b(?:detox|detoxing|detoxed|withdrawal|withdrawals|withdrawing|cold turkey|clucking)\b"
)
_WITHDRAWAL_DANGER_RE = re.compile(
    r"\b(?:confused|confusion|disorientated|disoriented|not making (?:any )?sense|talking nonsense|"
    r"talking gibberish|doesnt know where (?:he|she|they) (?:is|are)|dont know where i am|"
    r"(?:doesnt|dont|didnt|cant) recognise|hallucinat\w*|seeing things|hearing things|hearing voices|"
    r"seeing (?:spiders|bugs|insects|people|faces|shadows|snakes|rats|animals|stuff)|"
    r"(?:things|people|stuff|someone|bugs|spiders) (?:that|who)? ?(?:arent|isnt|are not|is not) there|"
    r"losing (?:my|his|her|their) mind|going mad|fits?|fitting|seizures?|convuls\w*|jerks|jerking|twitching|"
    r"shaking (?:so bad|like mad|all over|uncontrollably|violently|really bad|so much)|"
    r"(?:whole body|body) (?:is |keeps )?shaking|cant stop shaking|"
    r"heart (?:is )?(?:racing|pounding|going mad|wont slow)|delirium|dts|cant stand up)\b"
)
# Past clauses that leave a withdrawal danger in the past ("i had fits when i stopped years ago"). Days and weeks
# ago are not here: "stopped drinking 3 days ago, now confused" is now.
_LONG_AGO_RE = re.compile(
    r"\b(?:years? ago|last (?:year|time)|used to|when i was|back then|in the past|once before|previously|"
    r"a while ago|ages ago|in (?:19|20)\d\d)\b"
)


# Shaking alone counts only after a firm stop that has happened ("stopped drinking yesterday and im shaking"), never
# with a wish or a plan to stop ("i want to stop drinking but i get the shakes").
_STOPPED_FIRMLY_RE = re.compile(
    r"(?<!want to )(?<!trying to )(?<!try to )(?<!scared to )(?<!afraid to )(?<!if i )(?<!when i )"
    r"\b(?:stopped|quit|gave up|given up|came off|come off|ran out of|havent had|hasnt had|not had|been off|"
    r"cold turkey|detoxing|withdrawing)\b"
)
_SHAKING_RE = re.compile(r"\b(?:shaking|shakes|shaky|trembling|tremors?)\b")

# "going to have a fit" is guarded as a tantrum idiom; after stopping drink or benzos it is a fit coming.
_FIT_COMING_RE = re.compile(
    r"\b(?:feel like|feels like|think|scared|worried) (?:im|i am|hes|shes|he is|she is|i) (?:going to|about to|will) "
    r"(?:have|take) (?:a |another )?(?:fit|seizure)\b"
)


def _withdrawal_danger(guarded: str, normalised: str) -> Optional[str]:
    """Name of the withdrawal rule that fires, if the message says someone stopped and shows a danger sign."""
    if not _STOPPED_RE.search(guarded):
        return None
    if _FIT_COMING_RE.search(normalised):
        return "withdrawal.fit_coming"
    for danger in _WITHDRAWAL_DANGER_RE.finditer(guarded):
        segment = guarded.split(" | ")[_segment_index(guarded, danger.start())]
        if not _LONG_AGO_RE.search(segment) or _URGENT_NOW_RE.search(segment):
            return "withdrawal.danger_after_stopping"
    if _STOPPED_FIRMLY_RE.search(guarded):
        for shaking in _SHAKING_RE.finditer(guarded):
            segment = guarded.split(" | ")[_segment_index(guarded, shaking.start())]
            if not _LONG_AGO_RE.search(segment):
                return "withdrawal.shaking_after_stopping"
    return None


@dataclass(frozen=True)
class _Hit:
    crisis_type: CrisisType
    rule: str
    segment: int
    text: str


def _apply_guards(normalised: str) -> str:
    return _GUARD_RE.sub(" ~ ", normalised)


def _segment_index(text: str, position: int) -> int:
    return text.count("|", 0, position)


def _find_hits(guarded: str) -> list[_Hit]:
    hits = []
    for name, crisis_type, pattern in _COMPILED_RULES:
        for match in pattern.finditer(guarded):
            hits.append(
                _Hit(crisis_type, name, _segment_index(guarded, match.start()), match.group(0))
            )
    return hits


# Rules about wishes, plans and feelings describe the present even next to a past clause
# ("since my son died years ago i want to die"), so they are never dropped as past events.
_NEVER_PAST_RULES = frozenset(
    {
        "suicidal.want_to_die",
        "suicidal.dont_want_to_live",
        "suicidal.no_point",
        "suicidal.cant_go_on",
        "suicidal.end_it",
        "suicidal.method",
    }
)


def _drop_past_events(hits: Iterable[_Hit], normalised: str) -> list[_Hit]:
    """Drop matches that only report a past event, unless the message speaks of now."""
    segments = normalised.split(" | ")
    without_recovery = _RECOVERY_RE.sub(" ", normalised)
    without_past = _PAST_RE.sub(" ", without_recovery)
    message_speaks_of_now = bool(_URGENT_NOW_RE.search(without_past))
    kept = []
    for hit in hits:
        segment = segments[hit.segment] if hit.segment < len(segments) else ""
        is_past_segment = bool(_PAST_RE.search(segment) or _RECOVERY_RE.search(segment))
        is_present_match = bool(_PRESENT_IN_MATCH_RE.search(hit.text))
        if hit.rule in _NEVER_PAST_RULES:
            kept.append(hit)
            continue
        if is_past_segment and not is_present_match and not message_speaks_of_now:
            continue
        kept.append(hit)
    return kept


def _child_at_risk(normalised: str, hits: list[_Hit]) -> Optional[str]:
    """Name of the child rule that fires, if a child or lone person is with a collapsed adult."""
    incapacity_hit = any(h.crisis_type in _INCAPACITY_TYPES for h in hits)
    is_child = bool(_CHILD_AGE_RE.search(normalised) or _CHILD_WORDS_RE.search(normalised))
    is_alone = bool(_ALONE_RE.search(normalised))
    parent_named = bool(_PARENT_RE.search(normalised))
    strongly_incapacitated = bool(_STRONGLY_INCAPACITATED_RE.search(normalised))
    drunk_or_unwell = strongly_incapacitated or bool(_INCAPACITATED_RE.search(normalised))
    if is_child and incapacity_hit:
        return "child_at_risk.child_with_collapsed_adult"
    if is_child and parent_named and strongly_incapacitated:
        return "child_at_risk.child_with_fallen_parent"
    if is_alone and parent_named and incapacity_hit:
        return "child_at_risk.alone_with_collapsed_parent"
    if is_child and is_alone and parent_named and drunk_or_unwell:
        return "child_at_risk.child_alone_with_incapacitated_parent"
    return None


def detect_all(text: str) -> list[CrisisSignal]:
    """Every crisis signal in the message, most urgent first (one per type)."""
    if not text or not text.strip():
        return []
    normalised = normalise(text)
    guarded = _apply_guards(normalised)
    hits = _drop_past_events(_find_hits(guarded), guarded)
    signals: dict[CrisisType, CrisisSignal] = {}
    child_rule = _child_at_risk(guarded, hits)
    if child_rule:
        signals[CrisisType.CHILD_AT_RISK] = CrisisSignal(CrisisType.CHILD_AT_RISK, child_rule)
    for hit in hits:
        signals.setdefault(hit.crisis_type, CrisisSignal(hit.crisis_type, hit.rule))
    withdrawal_rule = _withdrawal_danger(guarded, normalised)
    if withdrawal_rule:
        signals.setdefault(CrisisType.WITHDRAWAL, CrisisSignal(CrisisType.WITHDRAWAL, withdrawal_rule))
    return [signals[t] for t in PRIORITY if t in signals]


def detect(text: str) -> Optional[CrisisSignal]:
    """The most urgent crisis signal in `text`, or None when nothing suggests immediate danger."""
    found = detect_all(text)
    return found[0] if found else None
