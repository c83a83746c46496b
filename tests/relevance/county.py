"""A realistic FICTIONAL county directory for measuring ranking: Wendmoor and its neighbour Fenholt.

Why generated: a relevance set needs a directory that has every kind of service a real county has (adult
treatment hub, family support, a 24/7 local line, young people's service, prison-release team, needle exchange,
night shelter, recovery café, GP-led clinics, pharmacies, mental health crisis lines, housing advice, peer
support) *and* the everyday council services whose descriptions mention drinks or families (a food larder, a
swimming session, a domestic abuse service) that fooled keyword search. Writing it as a script keeps it
deterministic and reviewable; nothing here is bundled data and nothing is edited by hand afterwards.

Everything is invented: the organisations, the towns (some with "&", an apostrophe or a comma in their names, to
test place normalisation), postcodes in the unused area ``QQ``, and numbers from Ofcom's drama ranges
(01632 960xxx, 07700 900xxx). Records are HSDS 3.0 ``service_full`` objects, the shape
:mod:`knowledge.formats.importer` reads (one shape per feed: the importer recognises a feed's format as a whole);
some descriptions carry HTML, as council feeds do.

Each service carries, outside the HSDS record, what the benchmark needs to judge "wrong for the person":
its special ``group`` (a service only for people leaving prison, young people, families, rough sleepers, people
who inject, older people, women, students, hospital patients) and whether its schedule says anything about bank
holidays. ``python -m tests.relevance.county out.json`` writes the feed.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

SOURCE = "fictional test county (generated)"
CHECKED = "2026-11-01"
COUNTY = "Wendmoor"
NEIGHBOUR = "Fenholt"

WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"

#: town -> postcode district
TOWNS = {
    "Brackenford": "QQ1",
    "Calderwick": "QQ2",
    "Dunmere": "QQ3",
    "King's Marrow": "QQ4",
    "Ashby & Wold": "QQ5",
    "Saltcombe, Upper Vale": "QQ6",
    "Fenholt": "QQ9",
}


@dataclass
class Spec:
    """One service as the generator knows it (the HSDS record is built from it)."""

    key: str
    name: str
    org: str
    description: str
    town: str | None = None  # None: no address (county-wide or phone/online only)
    areas: tuple[str, ...] = ()
    taxonomy: tuple[str, ...] = ()
    hours: tuple[tuple[str, str, str], ...] = ()  # (byday, opens, closes)
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    eligibility: str | None = None
    status: str = "active"
    crisis: bool = False
    group: str | None = None  # special group; see module docstring
    closes_bank_holidays: bool = False
    open_bank_holidays: bool = False  # schedule notes say it opens on bank holidays
    county: str = COUNTY
    extra: dict = field(default_factory=dict)


def _n(last3: int) -> str:
    return f"01632 960{last3:03d}"


SPECS: tuple[Spec, ...] = (
    # --- Adult treatment --------------------------------------------------------------------------------------
    Spec("hub", "Wendmoor Recovery Hub", "Wendmoor Recovery Partnership",
         "Free, confidential help for adults with drinking or drug use: assessment, key workers, detox, "
         "substitute prescribing and recovery groups. We also offer support for families.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Drug and alcohol treatment", "Alcohol", "Drugs"),
         hours=((WEEKDAYS, "09:00", "17:00"), ("TH", "17:00", "19:30"), ("SA", "10:00", "13:00")),
         phone=_n(101), url="https://example.org/wendmoor-hub", min_age=18, closes_bank_holidays=True),
    Spec("hub_calderwick", "Calderwick Recovery Hub", "Wendmoor Recovery Partnership",
         "Drug and alcohol treatment for adults in Calderwick: drop-in assessments, key workers and prescribing.",
         town="Calderwick", taxonomy=("Drug and alcohol treatment",),
         hours=(("TU,TH", "10:00", "16:00"),), phone=_n(102), min_age=18),
    Spec("hub_kings", "King's Marrow Recovery Point", "Wendmoor Recovery Partnership",
         "Alcohol and drug support for adults in King's Marrow, by appointment or drop in.",
         town="King's Marrow", taxonomy=("Drug and alcohol treatment",),
         hours=(("MO,WE", "09:30", "16:30"),), phone=_n(103), min_age=18),
    Spec("clinic_ashby", "Ashby & Wold Community Drug and Alcohol Clinic", "Wendmoor Recovery Partnership",
         "Weekly clinic for adults who want help with alcohol or drugs, run with the local surgery.",
         town="Ashby & Wold", taxonomy=("Drug and alcohol treatment",),
         hours=(("FR", "09:00", "13:00"),), phone=_n(104), min_age=18),
    Spec("saltcombe", "Saltcombe Drug and Alcohol Outreach", "Wendmoor Recovery Partnership",
         "Outreach workers for adults with drink or drug problems in Saltcombe and the Upper Vale villages.",
         town="Saltcombe, Upper Vale", taxonomy=("Drug and alcohol treatment",),
         hours=(("WE", "10:00", "15:00"),), phone=_n(105), min_age=18),
    # --- 24/7 local line ---------------------------------------------------------------------------------------
    Spec("nightline", "Wendmoor Drug and Alcohol Line", "Wendmoor Recovery Partnership",
         "A local phone line for anyone worried about their own or someone else's drinking or drug use, "
         "answered 24 hours a day by trained staff.",
         areas=("Wendmoor",), taxonomy=("Drug and alcohol helpline", "Alcohol", "Drugs"),
         hours=((EVERY_DAY, "00:00", "23:59"),), phone=_n(110), open_bank_holidays=True),
    # --- Families ----------------------------------------------------------------------------------------------
    Spec("families", "Wendmoor Families Together", "Families Together Wendmoor",
         "Support for family members, partners and friends affected by someone else's drinking or drug use: "
         "one-to-one support and an evening family group.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Family support", "Carers"),
         hours=((WEEKDAYS, "09:00", "17:00"), ("TU", "18:00", "20:30")), phone=_n(120), group="family"),
    Spec("kinship", "Wendmoor Kinship Carers", "Families Together Wendmoor",
         "For grandparents and relatives bringing up a child because the parents' drug or alcohol use means "
         "they cannot.",
         areas=("Wendmoor",), taxonomy=("Family support",), hours=(("WE", "10:00", "14:00"),),
         phone=_n(121), group="family"),
    Spec("young_carers", "Wendmoor Young Carers", "Wendmoor Young Carers Trust",
         "For children and young people aged 8 to 18 who look after someone at home, including a parent who "
         "drinks or uses drugs. Someone to talk to, days out and help at school.",
         town="Calderwick", areas=("Wendmoor",), taxonomy=("Young carers", "Children affected by parental "
                                                            "substance use"),
         hours=((WEEKDAYS, "09:00", "17:00"),), phone=_n(130), text="07700 900130", min_age=8, max_age=18,
         group="young_people"),
    # --- Young people ------------------------------------------------------------------------------------------
    Spec("junction", "Junction Young People's Service", "Wendmoor Youth Trust",
         "Drug and alcohol help for young people aged 11 to 18, and for young people worried about a parent's "
         "drinking or drug use. Confidential.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Young people's substance misuse service",),
         hours=((WEEKDAYS, "09:00", "17:00"), ("WE", "17:00", "19:00")), phone=_n(140), text="07700 900140",
         min_age=11, max_age=18, group="young_people"),
    Spec("uni", "Brackenford University Wellbeing: Drink and Drugs", "Brackenford University",
         "Advice for students about drinking, drugs and staying safe on nights out.",
         town="Brackenford", taxonomy=("Students",), hours=((WEEKDAYS, "10:00", "16:00"),), phone=_n(145),
         min_age=18, eligibility="Students of Brackenford University only.", group="students"),
    # --- Criminal justice --------------------------------------------------------------------------------------
    Spec("gate", "Through the Gate Wendmoor", "Wendmoor Resettlement Team",
         "For people leaving prison or on probation: we meet you at the gate, help with a prescription, "
         "somewhere to stay and a first appointment for drug or alcohol treatment.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Prison release", "Criminal justice", "Drugs"),
         hours=((WEEKDAYS, "08:30", "16:30"),), phone=_n(150), min_age=18, group="prison"),
    Spec("liaison", "Wendmoor Liaison and Diversion", "Wendmoor Resettlement Team",
         "Works in police custody and the courts with people who have drug, alcohol or mental health needs.",
         areas=("Wendmoor",), taxonomy=("Criminal justice",), hours=((EVERY_DAY, "07:00", "22:00"),),
         phone=_n(151), min_age=18, group="prison"),
    # --- Harm reduction ----------------------------------------------------------------------------------------
    Spec("nsp", "Brackenford Needle Exchange", "Wendmoor Recovery Partnership",
         "Free needles, syringes and injecting equipment, sharps bins, naloxone kits and hepatitis C testing. "
         "No appointment needed.",
         town="Brackenford", taxonomy=("Needle and syringe programme", "Harm reduction"),
         hours=(("MO,TU,WE,TH,FR,SA", "10:00", "16:00"),), phone=_n(160), min_age=18, group="injecting",
         closes_bank_holidays=True),
    Spec("pharm_market", "Market Street Pharmacy", "Market Street Pharmacy",
         "Pharmacy with supervised methadone, a needle exchange and free naloxone.",
         town="Calderwick", taxonomy=("Pharmacy",),
         hours=(("MO,TU,WE,TH,FR,SA", "09:00", "18:00"), ("SU", "10:00", "16:00")), phone=_n(161),
         open_bank_holidays=True),
    Spec("pharm_ollerby", "Ollerby Lane Pharmacy", "Ollerby Lane Pharmacy",
         "<p>Prescriptions, flu jabs and supervised consumption.</p><p>We do <strong>not</strong> run a needle "
         "exchange: ask us where the nearest one is.</p>",
         town="Dunmere", taxonomy=("Pharmacy",), hours=((WEEKDAYS, "09:00", "17:30"),), phone=_n(162)),
    Spec("pharm_late", "Kingsway Late Pharmacy", "Kingsway Pharmacy",
         "Open late every day. Needle exchange, naloxone and emergency contraception.",
         town="King's Marrow", taxonomy=("Pharmacy", "Needle exchange"), hours=((EVERY_DAY, "08:00", "23:59"),),
         phone=_n(163), open_bank_holidays=True),
    Spec("outreach_nsp", "Wendmoor Harm Reduction Van", "Wendmoor Recovery Partnership",
         "Mobile needle exchange and naloxone in Dunmere and Ashby & Wold on set evenings.",
         town="Dunmere", taxonomy=("Harm reduction",), hours=(("MO,TH", "18:00", "21:00"),), phone=_n(164),
         min_age=18, group="injecting"),
    # --- Housing and rough sleeping -----------------------------------------------------------------------------
    Spec("shelter", "St Aidan's Night Shelter", "St Aidan's Trust",
         "Emergency beds for people sleeping rough, every night from 8pm. Hot food. People who drink are "
         "welcome.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Night shelter", "Homelessness"), hours=((EVERY_DAY, "20:00", "08:00"),),
         phone=_n(170), min_age=18, group="rough_sleepers", open_bank_holidays=True),
    Spec("streets", "Wendmoor Street Outreach", "St Aidan's Trust",
         "Outreach workers who go out early each morning to people sleeping rough and help them into a bed "
         "and to drug or alcohol services.",
         areas=("Wendmoor",), taxonomy=("Rough sleeping", "Street outreach"),
         hours=((EVERY_DAY, "06:00", "10:00"),), phone=_n(171), min_age=18, group="rough_sleepers"),
    Spec("housing", "Wendmoor Council Housing Options", "Wendmoor County Council",
         "Housing advice for anyone homeless or about to lose their home.",
         town="Brackenford", areas=("Wendmoor",), taxonomy=("Housing advice", "Homelessness"),
         hours=((WEEKDAYS, "09:00", "17:00"),), phone=_n(172), url="https://example.org/wendmoor-housing",
         closes_bank_holidays=True),
    Spec("supported", "Saltcombe Recovery Housing", "Upper Vale Housing",
         "Supported housing for adults in recovery from drink or drugs, by referral.",
         town="Saltcombe, Upper Vale", taxonomy=("Supported housing",), hours=((WEEKDAYS, "09:00", "16:00"),),
         phone=_n(173), min_age=18),
    # --- Peer support ------------------------------------------------------------------------------------------
    Spec("cafe", "The Lantern Recovery Café", "Lantern Recovery Community",
         "A recovery café run by people in recovery: peer support, a friendly drop-in and mutual aid meetings.",
         town="Dunmere", areas=("Wendmoor",), taxonomy=("Recovery community", "Peer support"),
         hours=(("FR", "17:00", "21:00"), ("SA,SU", "11:00", "15:00")), phone=_n(180),
         open_bank_holidays=True),
    Spec("peer_calderwick", "Calderwick Recovery Group", "Lantern Recovery Community",
         "A weekly peer support group for people cutting down or stopping drinking or drugs.",
         town="Calderwick", taxonomy=("Peer support",), hours=(("WE", "18:00", "20:00"),), phone=_n(181)),
    Spec("mentors", "Wendmoor Recovery Mentors", "Lantern Recovery Community",
         "Volunteer peer mentors with their own experience of recovery from alcohol or drugs.",
         areas=("Wendmoor",), taxonomy=("Peer support",), hours=((WEEKDAYS, "10:00", "18:00"),),
         phone=_n(182), text="07700 900182"),
    Spec("women", "Brackenford Women's Recovery Group", "Wendmoor Recovery Partnership",
         "A women-only group for women affected by alcohol or drugs, with a creche.",
         town="Brackenford", taxonomy=("Peer support", "Women"), hours=(("MO", "10:00", "12:00"),),
         phone=_n(183), min_age=18, group="women"),
    # --- GP-led clinics and health -----------------------------------------------------------------------------
    Spec("gp_alcohol", "Brackenford Health Centre Alcohol Clinic", "Brackenford Health Centre",
         "A GP-led clinic for people who want to cut down their drinking: brief advice, liver checks and "
         "help to drink less.",
         town="Brackenford", taxonomy=("GP-led clinic", "Alcohol"), hours=(("MO,WE", "09:00", "12:00"),),
         phone=_n(190), min_age=18, closes_bank_holidays=True),
    Spec("gp_shared", "Dunmere Surgery Shared Care Clinic", "Dunmere Surgery",
         "GP-led prescribing for people on methadone or buprenorphine, shared with the Recovery Hub.",
         town="Dunmere", taxonomy=("GP-led clinic", "Drugs"), hours=(("TU", "14:00", "17:00"),), phone=_n(191),
         min_age=18),
    Spec("hospital", "Brackenford General Alcohol Care Team", "Wendmoor Hospitals",
         "Nurses who see patients on the wards and in A&E about their drinking.",
         town="Brackenford", taxonomy=("Hospital",), hours=((EVERY_DAY, "08:00", "20:00"),), phone=_n(192),
         eligibility="Hospital patients only.", group="hospital"),
    Spec("drinkless", "Drink Less Wendmoor", "Wendmoor Public Health",
         "Online advice and a drinks tracker for adults who want to cut down or drink less, not stop.",
         areas=("Wendmoor",), taxonomy=("Alcohol brief advice",), url="https://example.org/drink-less-wendmoor",
         min_age=18),
    Spec("older", "Silver Steps", "Age Well Wendmoor",
         "Alcohol support for people over 55: home visits, a weekly group and help with the loneliness that "
         "can come with drinking later in life.",
         town="Calderwick", areas=("Wendmoor",), taxonomy=("Older people", "Alcohol"),
         hours=(("TU,TH", "10:00", "15:00"),), phone=_n(195), min_age=55, group="older"),
    Spec("chemsex", "Wendmoor Sexual Health Chemsex Clinic", "Wendmoor Sexual Health",
         "Confidential support for men who use drugs during sex: chemsex, GHB, GBL and mephedrone.",
         town="Brackenford", taxonomy=("Sexual health",), hours=(("TH", "17:00", "20:00"),), phone=_n(196),
         min_age=18),
    # --- Mental health -----------------------------------------------------------------------------------------
    Spec("mh_line", "Wendmoor Mental Health Crisis Line", "Wendmoor Mental Health Trust",
         "Talk to a mental health worker any time, day or night, if you are in crisis or struggling to cope.",
         areas=("Wendmoor",), taxonomy=("Mental health crisis",), hours=((EVERY_DAY, "00:00", "23:59"),),
         phone=_n(200), crisis=True, open_bank_holidays=True),
    Spec("haven", "Brackenford Safe Haven", "Wendmoor Mental Health Trust",
         "An evening crisis café for adults struggling with their mental health. Walk in, no appointment.",
         town="Brackenford", taxonomy=("Mental health crisis",), hours=((EVERY_DAY, "18:00", "23:00"),),
         phone=_n(201), min_age=18, open_bank_holidays=True),
    Spec("talking", "Wendmoor Talking Therapies", "Wendmoor Mental Health Trust",
         "Free talking therapy for anxiety and depression. Many people we see also drink to cope.",
         areas=("Wendmoor",), taxonomy=("Mental health",), hours=((WEEKDAYS, "08:00", "20:00"),),
         phone=_n(202), url="https://example.org/wendmoor-talking", min_age=16),
    Spec("dual", "Wendmoor Dual Diagnosis Service", "Wendmoor Mental Health Trust",
         "For adults with both mental health problems and drug or alcohol use, by referral from the Hub or "
         "a GP.",
         town="Brackenford", taxonomy=("Dual diagnosis", "Mental health"), hours=((WEEKDAYS, "09:00", "17:00"),),
         phone=_n(203), min_age=18),
    # --- Everyday council services whose words fool keyword search --------------------------------------------
    Spec("larder", "Dunmere Community Food Larder", "Dunmere Community Association",
         "<p>Low-cost food for local families, with tea, coffee and soft drinks.</p><p>Everyone welcome.</p>",
         town="Dunmere", taxonomy=("Food",), hours=(("TU,FR", "10:00", "13:00"),), phone=_n(210)),
    Spec("swim", "Family Swim Sessions", "Brackenford Leisure Centre",
         "Fun swimming sessions for families every weekend. Drinks and snacks in the café afterwards.",
         town="Brackenford", taxonomy=("Leisure",), hours=(("SA,SU", "09:00", "12:00"),), phone=_n(211)),
    Spec("abuse", "Wendmoor Domestic Abuse Service", "Wendmoor Safe Homes",
         "Support for anyone experiencing domestic abuse, and for their families. Abuse is often worse when "
         "a partner has been drinking.",
         areas=("Wendmoor",), taxonomy=("Domestic abuse",), hours=((EVERY_DAY, "00:00", "23:59"),),
         phone=_n(212), open_bank_holidays=True),
    Spec("money", "Wendmoor Money Advice", "Wendmoor County Council",
         "Help with debt and benefits for families and individuals.",
         town="Calderwick", taxonomy=("Money advice",), hours=((WEEKDAYS, "09:30", "15:30"),), phone=_n(213)),
    Spec("library", "Brackenford Library Wellbeing Shelf", "Wendmoor Libraries",
         "Books on mental health, recovery and addiction to borrow. Quiet study space.",
         town="Brackenford", taxonomy=("Libraries",), hours=((WEEKDAYS, "09:00", "18:00"),), phone=_n(214)),
    # --- Records that must never be offered ---------------------------------------------------------------------
    Spec("defunct", "Brackenford Alcohol Advice Centre", "Brackenford Alcohol Advice Centre",
         "Alcohol advice drop-in. Closed in 2019.",
         town="Brackenford", taxonomy=("Alcohol",), hours=((EVERY_DAY, "09:00", "21:00"),), phone=_n(220),
         status="defunct"),
    Spec("inactive", "Dunmere Drug Project", "Dunmere Drug Project",
         "Drug advice and support in Dunmere. Paused while we find a new building.",
         town="Dunmere", taxonomy=("Drugs",), hours=((WEEKDAYS, "09:00", "17:00"),), phone=_n(221),
         status="inactive"),
    Spec("nocontact", "Calderwick Alcohol Drop-in", "Calderwick Alcohol Drop-in",
         "An alcohol drop-in listed in an old council report.",
         areas=("Calderwick",), taxonomy=("Alcohol",)),
    # --- The neighbouring county (never local to Wendmoor) -----------------------------------------------------
    Spec("fen_hub", "Fenholt Recovery Service", "Fenholt Recovery", "Drug and alcohol treatment for adults in Fenholt.",
         town="Fenholt", areas=("Fenholt",), taxonomy=("Drug and alcohol treatment",),
         hours=((WEEKDAYS, "09:00", "17:00"),), phone=_n(300), min_age=18, county=NEIGHBOUR),
    Spec("fen_families", "Fenholt Family Support", "Fenholt Recovery",
         "Support for families affected by someone's drinking or drug use.",
         town="Fenholt", areas=("Fenholt",), taxonomy=("Family support",), hours=((WEEKDAYS, "09:00", "17:00"),),
         phone=_n(301), county=NEIGHBOUR, group="family"),
    Spec("fen_line", "Fenholt Night Line", "Fenholt Recovery",
         "A drug and alcohol phone line for Fenholt, open every night.",
         areas=("Fenholt",), taxonomy=("Drug and alcohol helpline",), hours=((EVERY_DAY, "18:00", "08:00"),),
         phone=_n(302), county=NEIGHBOUR),
)


def _schedules(spec: Spec) -> list[dict]:
    rows = []
    for index, (byday, opens, closes) in enumerate(spec.hours, 1):
        row = {"id": f"{spec.key}-sch-{index}", "freq": "WEEKLY", "byday": byday, "opens_at": opens,
               "closes_at": closes}
        if spec.closes_bank_holidays:
            row["closes_on_bank_holidays"] = True
        if spec.open_bank_holidays:
            row["notes"] = "Open on bank holidays too."
        rows.append(row)
    return rows


def _record(spec: Spec, index: int) -> dict:
    record: dict = {
        "id": f"wend-{spec.key}",
        "name": spec.name,
        "description": spec.description,
        "status": spec.status,
        "source": SOURCE,
        "assured_date": CHECKED,
        "organization": {"id": "org-" + spec.org.lower().replace(" ", "-").replace("'", "").replace("&", "and"),
                         "name": spec.org, "description": ""},
    }
    if spec.url:
        record["url"] = spec.url
    if spec.eligibility:
        record["eligibility_description"] = spec.eligibility
    if spec.crisis:
        record["is_crisis_line"] = True
    phones = []
    if spec.phone:
        phones.append({"id": f"{spec.key}-ph-1", "number": spec.phone, "type": "voice"})
    if spec.text:
        phones.append({"id": f"{spec.key}-ph-2", "number": spec.text, "type": "text"})
    record["phones"] = phones
    record["schedules"] = _schedules(spec)
    if spec.min_age is not None:
        record["minimum_age"] = spec.min_age
    if spec.max_age is not None:
        record["maximum_age"] = spec.max_age
    record["service_areas"] = [{"id": f"{spec.key}-area-{i}", "name": name} for i, name in enumerate(spec.areas, 1)]
    if spec.town:
        district = TOWNS[spec.town]
        record["service_at_locations"] = [{
            "id": f"{spec.key}-sal",
            "location": {
                "id": f"{spec.key}-loc",
                "name": spec.name,
                "location_type": "physical",
                "addresses": [{
                    "id": f"{spec.key}-addr",
                    "address_1": f"{10 + index} {('Market', 'Church', 'Mill', 'Station', 'Bridge')[index % 5]} Street",
                    "city": spec.town,
                    "state_province": spec.county,
                    "postal_code": f"{district} {1 + index % 9}{'ABDEFGHJLN'[index % 10]}{'PQRSTUWXYZ'[index % 10]}",
                    "country": "GB",
                }],
            },
        }]
    record["attributes"] = [
        {"id": f"{spec.key}-attr-{i}", "taxonomy_term_id": f"wend-term-{_slug(term)}",
         "taxonomy_term": {"id": f"wend-term-{_slug(term)}", "name": term, "taxonomy": "Wendmoor directory"}}
        for i, term in enumerate(spec.taxonomy, 1)
    ]
    return record


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def build() -> list[dict]:
    """The whole feed, in a fixed order (deterministic: same output on every run)."""
    return [_record(spec, index) for index, spec in enumerate(SPECS)]


def specs_by_name() -> dict[str, Spec]:
    return {spec.name: spec for spec in SPECS}


def main(argv: list[str]) -> int:
    text = json.dumps(build(), indent=2, ensure_ascii=False, sort_keys=True)
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
