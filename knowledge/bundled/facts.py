"""The facts behind the bundled directory, as Python data: edit here, then run ``python -m knowledge.bundled.generate``.

National helplines come from ``shared/research/helplines.md`` (research 2026-11-24, re-checked 2026-12-01): only
facts marked VERIFIED there, each service with the named source it rests on (``source`` here; the generator adds
where it was recorded and when it was checked). A service whose facts are no longer verified stays listed as
``inactive`` with no contact details, so a directory loaded from an older release stops offering them.

Seed services are the local organisations the seed reports name, with those reports as their source and their
dates as ``assured_date``; the reports give no contact details, so none are given here.

Compact form (the generator expands it to HSDS 3.0): ``areas`` are service-area names, ``needs`` are codes of the
local need taxonomy (:data:`NEEDS`), phone and schedule ``id`` s are suffixes of the service id.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

Json = Dict[str, Any]

#: When the national facts were last checked against helplines.md.
NATIONAL_CHECKED = "2026-12-01"
#: How each national source says where it was recorded.
NATIONAL_RECORDED = "as recorded in signpost research notes helplines.md, re-checked 2026-12-01"

#: The local need taxonomy: code -> (name, description).
NEEDS: Dict[str, Tuple[str, str]] = {
    "alcohol": ("Alcohol", "Help with drinking: your own or someone else's."),
    "criminal-justice": ("Criminal justice", "Help linked to police, courts, probation or leaving prison."),
    "crisis": ("Crisis", "Urgent help when someone is in danger or in crisis."),
    "cut-down": ("Cutting down", "Help to cut down or stop."),
    "drugs": ("Drugs", "Help with drug use: your own or someone else's."),
    "family": ("Family and friends", "Help for family members, partners, friends and carers."),
    "harm-reduction": ("Harm reduction", "Staying safer while drinking or using drugs."),
    "housing": ("Housing", "Help with housing or homelessness."),
    "mental-health": ("Mental health", "Help with mental health, distress or suicidal thoughts."),
    "peer-support": ("Peer support", "Support from people with lived experience, mutual aid and recovery groups."),
    "young-people": ("Young people", "Services for children and young people."),
}

#: National helplines (helplines.md).
NATIONAL: List[Json] = [{'id': 'national-999',
  'name': 'Emergency services (999)',
  'description': 'Call 999 when a life is at risk now: someone is not breathing, unconscious, has taken an '
                 'overdose, is having a seizure, or there is violence.',
  'organization': {'id': 'org-emergency-services',
                   'name': 'Emergency services',
                   'description': 'Police, ambulance, fire and coastguard.'},
  'is_crisis_line': True,
  'source': 'GOV.UK / NHS pages citing 999 for emergencies (VERIFIED, national standard)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '999', 'type': 'voice', 'description': 'Call 999 in an emergency.'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Open 24 hours, every day.'}],
  'needs': ['crisis'],
  'eligibility_description': 'Anyone, any age, when a life is at risk.'},
 {'id': 'national-nhs-111',
  'name': 'NHS 111',
  'description': 'Urgent medical advice for anyone, any age, when it is not a 999 emergency. You can call 111 '
                 'or use 111 online. The phone menu has a mental-health option for urgent mental health help.',
  'organization': {'id': 'org-nhs', 'name': 'NHS', 'description': 'The National Health Service in England.'},
  'is_crisis_line': True,
  'source': 'NHS GP surgery pages (e.g. pendeensurgery.nhs.uk, oundlesurgery.nhs.uk, May 2023) (VERIFIED, '
            'secondary)',
  'areas': ['England'],
  'phones': [{'id': 'call',
              'number': '111',
              'type': 'voice',
              'description': 'Call 111. Choose the mental-health option on the menu for urgent mental health '
                             'help.'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Open 24 hours, every day.'}],
  'needs': ['crisis', 'mental-health', 'alcohol', 'drugs'],
  'eligibility_description': 'Anyone, any age.'},
 {'id': 'national-samaritans',
  'name': 'Samaritans',
  'description': 'Someone to talk to, any time, if you are struggling or having thoughts of suicide. Calls are '
                 'free. You can also email, but email is not for emergencies: replies are not immediate.',
  'organization': {'id': 'org-samaritans',
                   'name': 'Samaritans',
                   'description': 'A charity that listens to anyone who is struggling.'},
  'is_crisis_line': True,
  'source': 'samaritans.org "contact a Samaritan" and branch pages (2023 copy) (VERIFIED)',
  'areas': ['England'],
  'phones': [{'id': 'call',
              'number': '116 123',
              'type': 'voice',
              'description': 'Free to call, 24 hours a day.'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Open 24 hours, every day.'}],
  'needs': ['crisis', 'mental-health'],
  'email': 'jo@samaritans.org',
  'eligibility_description': 'Anyone who is struggling.'},
 {'id': 'national-shout',
  'name': 'Shout',
  'description': 'Free text support, any time, for anyone in crisis who would rather text than talk. Text '
                 'SHOUT to 85258.',
  'organization': {'id': 'org-shout', 'name': 'Shout', 'description': 'A free text support service.'},
  'is_crisis_line': True,
  'source': 'giveusashout.org FAQ (updated 4 Nov 2024); crisistextline.uk "How it works" (VERIFIED)',
  'areas': ['England'],
  'phones': [{'id': 'text', 'number': '85258', 'type': 'text', 'description': 'Text SHOUT to 85258. Free.'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Open 24 hours, every day.'}],
  'needs': ['crisis', 'mental-health'],
  'eligibility_description': 'Anyone in crisis who prefers to text.'},
 {'id': 'national-frank',
  'name': 'FRANK',
  'description': 'Honest, confidential information and advice about drugs for anyone, including family and '
                 'friends worried about someone. The phone line is open all day and all night.',
  'organization': {'id': 'org-frank', 'name': 'FRANK', 'description': 'Honest information about drugs.'},
  'source': 'talktofrank.com contact page (2023 copy) (number, text and email VERIFIED); talktofrank site code '
            '(UKHSA-Internal/talktofrank-beta, PageContact component) (hours VERIFIED but dated, 2021)',
  'areas': ['England'],
  'phones': [{'id': 'call',
              'number': '0300 123 6600',
              'type': 'voice',
              'description': 'Phone FRANK, 24 hours a day.'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Phone line open 24 hours, every day.'}],
  'needs': ['drugs', 'family', 'harm-reduction'],
  'url': 'https://talktofrank.com'},
 {'id': 'national-frank-text',
  'name': 'FRANK text',
  'description': 'Text FRANK your questions about drugs on 82111. For anyone, including family and friends. '
                 'Text hours are not confirmed: for an answer at any hour, phone FRANK instead.',
  'organization': {'id': 'org-frank', 'name': 'FRANK', 'description': 'Honest information about drugs.'},
  'source': 'talktofrank.com contact page (2023 copy) (number, text and email VERIFIED); talktofrank site code '
            '(UKHSA-Internal/talktofrank-beta, PageContact component) (hours VERIFIED but dated, 2021)',
  'areas': ['England'],
  'phones': [{'id': 'text', 'number': '82111', 'type': 'text', 'description': 'Text FRANK on 82111.'}],
  'schedules': [],
  'needs': ['drugs', 'family', 'harm-reduction'],
  'url': 'https://talktofrank.com'},
 {'id': 'national-frank-chat',
  'name': 'FRANK live chat',
  'description': 'Chat online with FRANK about drugs, from 2pm to 6pm every day. For anyone, including family '
                 'and friends.',
  'organization': {'id': 'org-frank', 'name': 'FRANK', 'description': 'Honest information about drugs.'},
  'source': 'talktofrank.com contact page (2023 copy) (number, text and email VERIFIED); talktofrank site code '
            '(UKHSA-Internal/talktofrank-beta, PageContact component) (hours VERIFIED but dated, 2021)',
  'areas': ['England'],
  'phones': [],
  'schedules': [{'id': 'daily',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '14:00',
                 'closes_at': '18:00',
                 'description': 'Live chat 2pm to 6pm, every day.'}],
  'needs': ['drugs', 'family', 'harm-reduction'],
  'url': 'https://talktofrank.com',
  'application_process': 'Open the live chat on the FRANK website.'},
 {'id': 'national-drinkline',
  'name': 'Drinkline',
  'description': "A free, confidential helpline for anyone worried about their own drinking or someone else's.",
  'organization': {'id': 'org-drinkline', 'name': 'Drinkline', 'description': 'A national alcohol helpline.'},
  'source': 'talkcommunity.org (Herefordshire Council) alcohol page (VERIFIED, secondary)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0300 123 1110', 'type': 'voice'}],
  'schedules': [{'id': 'weekdays',
                 'byday': 'MO,TU,WE,TH,FR',
                 'opens_at': '09:00',
                 'closes_at': '20:00',
                 'description': 'Weekdays 9am to 8pm.',
                 'notes': 'Bank holiday hours not confirmed.'},
                {'id': 'weekends',
                 'byday': 'SA,SU',
                 'opens_at': '11:00',
                 'closes_at': '16:00',
                 'description': 'Weekends 11am to 4pm.',
                 'notes': 'Bank holiday hours not confirmed.'}],
  'needs': ['alcohol', 'family', 'cut-down']},
 {'id': 'national-nacoa',
  'name': 'Nacoa',
  'description': 'A helpline for children of parents who depend on alcohol, whatever their age, including '
                 'adults who grew up with it. Opening hours are not confirmed.',
  'organization': {'id': 'org-nacoa',
                   'name': 'Nacoa',
                   'description': 'The National Association for Children of Alcoholics.'},
  'source': 'nacoa.org.uk notice (2020) (number VERIFIED; hours UNVERIFIED so not given)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0800 358 3456', 'type': 'voice'}],
  'schedules': [],
  'needs': ['alcohol', 'family', 'young-people'],
  'eligibility_description': 'Children of alcohol-dependent parents, of any age.'},
 {'id': 'national-smart-recovery',
  'name': 'SMART Recovery UK',
  'description': 'Free mutual-aid meetings, online and face to face, for people who want to change their '
                 'drinking or drug use. There are also Family & Friends meetings. Meeting times vary: see the '
                 'timetable on its website.',
  'organization': {'id': 'org-smart-recovery',
                   'name': 'SMART Recovery UK',
                   'description': 'Mutual-aid recovery meetings.'},
  'source': 'smartrecovery.org.uk online-meetings page (VERIFIED, 2020)',
  'areas': ['England'],
  'phones': [],
  'schedules': [],
  'needs': ['alcohol', 'drugs', 'peer-support', 'family', 'cut-down'],
  'url': 'https://smartrecovery.org.uk',
  'application_process': 'Find a meeting on the SMART Recovery UK website timetable.'},
 {'id': 'national-cgl-webchat',
  'name': 'Change Grow Live webchat',
  'description': 'Webchat with Change Grow Live about drinking or drug use, for anyone aged 13 or over in the '
                 'UK. It is not a crisis service: in an emergency call 999. Opening hours are not confirmed.',
  'organization': {'id': 'org-change-grow-live',
                   'name': 'Change Grow Live',
                   'description': 'A social care and health charity.'},
  'source': 'changegrowlive.org webchat terms of use (VERIFIED)',
  'areas': ['England'],
  'phones': [],
  'schedules': [],
  'needs': ['alcohol', 'drugs', 'cut-down'],
  'url': 'https://changegrowlive.org',
  'minimum_age': 13,
  'eligibility_description': 'Aged 13 or over, in the UK. Not a crisis service.',
  'application_process': 'Open the webchat on the Change Grow Live website.'},
 {'id': 'national-addiction-family-support',
  'name': 'Addiction Family Support',
  'description': 'Listed in earlier research as a helpline for family members. Its number could not be '
                 'confirmed again, so it is not offered and no contact details are given.',
  'organization': {'id': 'org-addiction-family-support',
                   'name': 'Addiction Family Support',
                   'description': "Support for families affected by someone's addiction."},
  'source': 'UNVERIFIED since 2026-12-01: the number could not be found again in any stored page (earlier: '
            'nspa.org.uk member page, not reproducible); kept as inactive so a directory loaded before then '
            'stops offering it',
  'areas': ['England'],
  'phones': [],
  'schedules': [],
  'needs': ['family', 'alcohol', 'drugs'],
  'eligibility_description': 'Family members.',
  'status': 'inactive'},
 {'id': 'national-childline',
  'name': 'Childline',
  'description': 'Free, confidential help for children and young people under 19. There is also a webchat. '
                 'Opening hours are not confirmed here.',
  'organization': {'id': 'org-childline',
                   'name': 'Childline',
                   'description': 'A free, confidential service for children and young people.'},
  'source': 'childline.org.uk contact page (2023 copy) (VERIFIED)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0800 1111', 'type': 'voice'}],
  'schedules': [],
  'needs': ['young-people', 'family', 'mental-health'],
  'maximum_age': 18,
  'eligibility_description': 'Children and young people under 19.'},
 {'id': 'national-shelter',
  'name': 'Shelter England helpline',
  'description': 'Help with housing emergencies, such as losing your home or having nowhere to stay tonight. '
                 'Opening hours are not confirmed.',
  'organization': {'id': 'org-shelter',
                   'name': 'Shelter',
                   'description': 'A housing and homelessness charity.'},
  'source': 'Prison Reform Trust page (VERIFIED, secondary; hours UNVERIFIED so not given)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0808 800 4444', 'type': 'voice'}],
  'schedules': [],
  'needs': ['housing'],
  'eligibility_description': 'Anyone in England with a housing emergency.'},
 {'id': 'national-police-101',
  'name': 'Police non-emergency (101)',
  'description': 'Call 101 to report crime or anti-social behaviour when it is not an emergency. If someone is '
                 'in danger now, call 999.',
  'organization': {'id': 'org-police', 'name': 'Police', 'description': 'Police forces in England.'},
  'source': 'police.uk (VERIFIED, national standard)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '101', 'type': 'voice'}],
  'schedules': [{'id': '24-7',
                 'byday': 'MO,TU,WE,TH,FR,SA,SU',
                 'opens_at': '00:00',
                 'closes_at': '23:59',
                 'description': 'Open 24 hours, every day.'}],
  'needs': ['criminal-justice'],
  'eligibility_description': 'Anyone; not for emergencies.'},
 {'id': 'national-aa-chat',
  'name': 'Alcoholics Anonymous online chat',
  'description': 'Chat online with Alcoholics Anonymous if you think you have a drinking problem. Chat hours '
                 'are not confirmed.',
  'organization': {'id': 'org-aa-gb',
                   'name': 'Alcoholics Anonymous Great Britain',
                   'description': 'Mutual aid for people with a drinking problem.'},
  'source': 'alcoholics-anonymous.org.uk (online chat and responder VERIFIED)',
  'areas': ['England'],
  'phones': [],
  'schedules': [],
  'needs': ['alcohol', 'peer-support', 'cut-down'],
  'url': 'https://alcoholics-anonymous.org.uk',
  'application_process': 'Use the online chat on the Alcoholics Anonymous Great Britain website.'},
 {'id': 'national-aa-phone',
  'name': 'Alcoholics Anonymous phone line',
  'description': 'Phone Alcoholics Anonymous if you think you have a drinking problem. The phone hours are not '
                 'confirmed.',
  'organization': {'id': 'org-aa-gb',
                   'name': 'Alcoholics Anonymous Great Britain',
                   'description': 'Mutual aid for people with a drinking problem.'},
  'source': 'alcoholics-anonymous.org.uk (undated); nhs.uk alcohol support page (2022) (number VERIFIED since '
            '2026-12-01, dated; hours UNVERIFIED so not given)',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0800 917 7650', 'type': 'voice'}],
  'schedules': [],
  'needs': ['alcohol', 'peer-support', 'cut-down'],
  'url': 'https://alcoholics-anonymous.org.uk'},
 {'id': 'national-al-anon',
  'name': 'Al-Anon helpline',
  'description': 'Support for family and friends of someone whose drinking worries them. Older pages (2014 and '
                 '2022) give its hours as 10am to 10pm every day; they may have changed, so check before relying on '
                 'them.',
  'organization': {'id': 'org-al-anon',
                   'name': 'Al-Anon Family Groups UK and Eire',
                   'description': 'Mutual support for families and friends of people with a drinking problem.'},
  'source': 'al-anonuk.org.uk leaflet (2014); nhs.uk alcohol support page (2022) (number VERIFIED but dated since '
            '2026-12-01; hours dated, so given only as text, never as "open now")',
  'areas': ['England'],
  'phones': [{'id': 'call', 'number': '0800 0086 811', 'type': 'voice'}],
  # No schedule: hours last confirmed by a 2014 leaflet and a 2022 page would make the assistant say "open now"
  # on old evidence; "hours not known" with the old hours in words is the honest answer.
  'schedules': [],
  'needs': ['family', 'alcohol', 'peer-support'],
  'eligibility_description': 'Families and friends of people who drink.'}]

#: The local organisations the seed reports name, as those reports describe them (no contact details).
SEEDS: List[Json] = [{'id': 'seed-glos-turning-point',
  'name': 'Turning Point Gloucestershire drug and alcohol service',
  'status': 'defunct',
  'description': "The county's drug and alcohol service until the end of 2016. Turning Point lost the contract "
                 'and Change Grow Live took over from 1 January 2017, so this service has ended. This record '
                 'comes from a 2017 report; it is historical and has no contact details. Check the service '
                 'still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L880-L911, L959-L971',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham', 'Gloucestershire'],
  'needs': ['alcohol', 'drugs'],
  'organization': {'id': 'org-turning-point',
                   'name': 'Turning Point',
                   'description': 'A social enterprise and support service.'}},
 {'id': 'seed-glos-cgl',
  'name': 'Change Grow Live Gloucestershire drug and alcohol recovery service',
  'description': 'The community drug and alcohol recovery service for Gloucestershire, run by Change Grow Live '
                 'from 1 January 2017. For anyone with worries about drugs or alcohol, and for professionals '
                 'and organisations concerned about someone. This record comes from a 2017 report; it is '
                 'historical and has no contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L906-L911, L959-L971',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham', 'Gloucestershire'],
  'needs': ['alcohol', 'drugs', 'cut-down', 'family'],
  'organization': {'id': 'org-change-grow-live',
                   'name': 'Change Grow Live',
                   'description': 'A social care and health charity.'}},
 {'id': 'seed-glos-nelson-trust',
  'name': 'The Nelson Trust',
  'description': 'A charity that has worked in Gloucestershire for about 30 years. It runs residential and '
                 'community-based treatment for people with drug or alcohol problems, and supports people in '
                 'recovery. This record comes from a 2017 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L245, L1079; also [001] L175',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham', 'Gloucestershire'],
  'needs': ['alcohol', 'drugs', 'peer-support'],
  'organization': {'id': 'org-nelson-trust',
                   'name': 'The Nelson Trust',
                   'description': 'A charity that runs residential and community-based services for the '
                                  'treatment of substance misuse.'}},
 {'id': 'seed-chelt-nelson-recovery-cafe',
  'name': 'Nelson Trust Recovery Café (Hub 1)',
  'description': 'A high-street café run by the Nelson Trust that employs people in recovery from addiction, '
                 'or takes them on as volunteers, so they can gain skills and get ready for work. This record '
                 'comes from a 2017 report; it is historical and has no contact details. Check the service '
                 'still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L1327-L1375',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['peer-support', 'alcohol', 'drugs'],
  'organization': {'id': 'org-nelson-trust',
                   'name': 'The Nelson Trust',
                   'description': 'A charity that runs residential and community-based services for the '
                                  'treatment of substance misuse.'},
  'eligibility_description': 'People in recovery from addiction.'},
 {'id': 'seed-glos-hub-maintains',
  'name': 'The Hub Maintains (Hub 2)',
  'description': 'A Nelson Trust handyman and property maintenance project, based in Stroud and working across '
                 'Gloucestershire. It gives people in recovery paid work and helps people on low incomes. This '
                 'record comes from a 2017 report; it is historical and has no contact details. Check the '
                 'service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L1330-L1350',
  'assured_date': '2017-01-01',
  'areas': ['Stroud', 'Gloucestershire'],
  'needs': ['peer-support'],
  'organization': {'id': 'org-nelson-trust',
                   'name': 'The Nelson Trust',
                   'description': 'A charity that runs residential and community-based services for the '
                                  'treatment of substance misuse.'},
  'eligibility_description': 'People in recovery (as workers).'},
 {'id': 'seed-chelt-inspiring-families',
  'name': 'Inspiring Families',
  'description': 'Support for families in Cheltenham who are struggling to cope, often already in touch with '
                 'social care, drug and alcohol services or housing support. The family chooses its own goals '
                 'and a person it trusts to work with. In 2016 it was being tried with a small number of '
                 'street drinkers. This record comes from a 2017 report; it is historical and has no contact '
                 'details. Check the service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L1218-L1325',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['family', 'alcohol', 'drugs'],
  'eligibility_description': 'Families who are struggling to cope.'},
 {'id': 'seed-glos-people-and-places',
  'name': 'People and Places',
  'status': 'defunct',
  'description': 'A community interest company of occupational therapists that gave gentle, longer-term '
                 'one-to-one support to adults with physical or mental health problems or other social issues. '
                 'It decided to stop its work from March 2017, so this service has ended. This record comes '
                 'from a 2017 report; it is historical and has no contact details. Check the service still '
                 'exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L216-L220, L1377-L1436',
  'assured_date': '2017-01-01',
  'areas': ['Gloucestershire'],
  'needs': ['mental-health']},
 {'id': 'seed-chelt-our-place',
  'name': 'Our Place groups',
  'description': 'Community peer-support groups in Cheltenham for parents and families. Local people are '
                 'trained as peer supporters and run their own groups on day-to-day and bigger issues. This '
                 'record comes from a 2017 report; it is historical and has no contact details. Check the '
                 'service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L1438-L1485',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['family', 'peer-support'],
  'eligibility_description': 'Parents and families.'},
 {'id': 'seed-chelt-student-community-patrol',
  'name': 'Student Community Patrol',
  'description': "University of Gloucestershire Students' Union volunteers who give friendly peer support on "
                 'nights out in Cheltenham to students and members of the public who have been drinking. Times '
                 'are not given. This record comes from a 2017 report; it is historical and has no contact '
                 'details. Check the service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L196-L201',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['alcohol', 'harm-reduction', 'young-people']},
 {'id': 'seed-chelt-offender-based-service',
  'name': 'Offender Based Service (name withheld in the study)',
  'description': 'A housing support service that helps people find somewhere suitable to live after leaving '
                 'custody. The study anonymised it, so its real name is not known; it is part of a supported '
                 'housing organisation. This record comes from a 2017 report; it is historical and has no '
                 'contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L185-L190',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['criminal-justice', 'housing'],
  'eligibility_description': 'People leaving custody.'},
 {'id': 'seed-chelt-supported-housing',
  'name': 'Supported housing organisation (name withheld in the study)',
  'description': 'Supported accommodation in Cheltenham for people who have been homeless or are at risk of '
                 'homelessness. The study anonymised it, so its real name is not known. This record comes from '
                 'a 2017 report; it is historical and has no contact details. Check the service still exists '
                 'before relying on it.',
  'source': 'Seed document [000] Opportunities for Smart Commissioning: an analysis of services dealing with '
            'alcohol-related harm in Cheltenham (University of Gloucestershire for Cheltenham Borough Council, '
            'early 2017); file 000_06c0e0989fbd06cd.txt, L210-L212',
  'assured_date': '2017-01-01',
  'areas': ['Cheltenham'],
  'needs': ['housing'],
  'eligibility_description': 'People who have been, or are at risk of being, homeless.'},
 {'id': 'seed-bwd-think-family',
  'name': 'Think Family advocates',
  'description': 'A Blackburn with Darwen Council pilot for families with alcohol-related and other problems, '
                 'including parents who drink at harmful levels. Each family has one advocate as its single '
                 'point of contact, who stays in touch for as long as needed. Families can be nominated by '
                 'people who know them, before a crisis. This record comes from a 2013 report; it is '
                 'historical and has no contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L76-L80, '
            'L342-L440, L552-L564',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['family', 'alcohol'],
  'eligibility_description': 'Families, including parents who drink at harmful levels.'},
 {'id': 'seed-bwd-evolve-inward-house',
  'name': 'Evolve – Inward House',
  'description': 'A specialist alcohol service provider commissioned by the Blackburn with Darwen Care Trust '
                 'Plus. This record comes from a 2013 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L154',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['alcohol'],
  'eligibility_description': 'Adults with alcohol problems.'},
 {'id': 'seed-bwd-greater-manchester-west',
  'name': 'Greater Manchester West',
  'description': 'A specialist alcohol service provider commissioned by the Blackburn with Darwen Care Trust '
                 'Plus. This record comes from a 2013 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L155',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['alcohol'],
  'eligibility_description': 'Adults with alcohol problems.'},
 {'id': 'seed-bwd-lifeline',
  'name': 'Lifeline',
  'description': 'A specialist alcohol service provider commissioned by the Blackburn with Darwen Care Trust '
                 'Plus. This record comes from a 2013 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L156',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['alcohol'],
  'eligibility_description': 'Adults with alcohol problems.'},
 {'id': 'seed-bwd-voice',
  'name': 'VOICE',
  'description': 'A specialist alcohol service provider commissioned by the Blackburn with Darwen Care Trust '
                 'Plus. This record comes from a 2013 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L157',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['alcohol'],
  'eligibility_description': 'Adults with alcohol problems.'},
 {'id': 'seed-bwd-family-intervention-programme',
  'name': 'Family Intervention Programme – Action for Children',
  'description': 'A family intervention programme in Blackburn with Darwen, run by Action for Children. The '
                 'report gives no more detail. This record comes from a 2013 report; it is historical and has '
                 'no contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L158',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['family']},
 {'id': 'seed-bwd-risk-taking-behaviour',
  'name': 'Risk Taking Behaviour project',
  'description': 'A prevention project for 16 to 19 year olds in the Think Family neighbourhoods about binge '
                 'drinking, illegal drugs and unsafe sex. This record comes from a 2013 report; it is '
                 'historical and has no contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [002] Customer led transformation programme. Case study: Blackburn with Darwen Care '
            'Trust Plus (Local Government Association, Jan 2013); file 002_fdb939a50aa2422d.txt, L574-L581',
  'assured_date': '2013-01-01',
  'areas': ['Blackburn with Darwen'],
  'needs': ['young-people', 'alcohol', 'drugs', 'harm-reduction'],
  'minimum_age': 16,
  'maximum_age': 19},
 {'id': 'seed-leic-alcohol-advice-centre',
  'name': 'Alcohol Advice Centre',
  'description': 'Open-access alcohol advice sessions in Leicester for people who want help with drinking. In '
                 '2010 the sessions were very full and many people were turned away. This record comes from a '
                 '2010 report; it is historical and has no contact details. Check the service still exists '
                 'before relying on it.',
  'source': 'Seed document [003] Leicester/Leicestershire Total Place Final Report, draft v1.0 (last amended '
            '29 January 2010); file 003_69445c2dd9bac476.txt, L770, L833',
  'assured_date': '2010-01-29',
  'areas': ['Leicester'],
  'needs': ['alcohol', 'cut-down']},
 {'id': 'seed-leic-uhl-alcohol-liaison',
  'name': 'University Hospitals of Leicester alcohol liaison',
  'description': "A specialist alcohol liaison nurse at Leicester's hospitals who sees people in A&E or on the "
                 'wards because of drinking, gives advice and brief support, and refers on to housing, GP, '
                 'benefits and social services. More nurses and a community alcohol liaison worker were '
                 'planned. This record comes from a 2010 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [003] Leicester/Leicestershire Total Place Final Report, draft v1.0 (last amended '
            '29 January 2010); file 003_69445c2dd9bac476.txt, L139, L715-L741',
  'assured_date': '2010-01-29',
  'areas': ['Leicester'],
  'needs': ['alcohol']},
 {'id': 'seed-leic-connect-shops',
  'name': 'Connect service shops and help points',
  'description': 'Leicestershire County Council access points: six staffed Connect service shops and '
                 'self-service Connect help points in libraries and other places, giving advice on council and '
                 'partner services. The shops were staffed during office hours (times not given). This record '
                 'comes from a 2010 report; it is historical and has no contact details. Check the service '
                 'still exists before relying on it.',
  'source': 'Seed document [003] Leicester/Leicestershire Total Place Final Report, draft v1.0 (last amended '
            '29 January 2010); file 003_69445c2dd9bac476.txt, L931-L937',
  'assured_date': '2010-01-29',
  'areas': ['Leicestershire'],
  'needs': ['housing']},
 {'id': 'seed-leic-first-contact',
  'name': 'First Contact Leicestershire',
  'description': "A Leicestershire County Council outreach service: a worker visits, does a simple 'health "
                 "check' and, with the person's permission, refers their concerns to the right services. In "
                 '2010 it was for people aged 60 and over, with plans to open it to all adults and young '
                 'people. This record comes from a 2010 report; it is historical and has no contact details. '
                 'Check the service still exists before relying on it.',
  'source': 'Seed document [003] Leicester/Leicestershire Total Place Final Report, draft v1.0 (last amended '
            '29 January 2010); file 003_69445c2dd9bac476.txt, L1104-L1120',
  'assured_date': '2010-01-29',
  'areas': ['Leicestershire'],
  'needs': ['mental-health', 'housing'],
  'minimum_age': 60},
 {'id': 'seed-cov-adult-recovery-service',
  'name': 'Coventry adult drug and alcohol recovery service (proposed in 2016)',
  'description': 'Proposed in 2016, not described as running: a recovery-led adult drug and alcohol service '
                 'based in Coventry city centre with outreach into communities, 24-hour online advice, online '
                 'bookings, peer mentoring and support with housing, money and work. It was to accept '
                 'self-referrals and referrals from GPs, probation, police and housing. This record comes from '
                 'a 2016 report; it is historical and has no contact details. Check the service still exists '
                 'before relying on it.',
  'source': 'Seed document [004] Reshaping Drug and Alcohol Services in Coventry (Coventry City Council report '
            'to the Scrutiny Co-ordination Committee, 12 October 2016); file 004_fd8f059de70c19a7.txt, §4.2.5, '
            'Appendix 4',
  'assured_date': '2016-10-12',
  'areas': ['Coventry'],
  'needs': ['alcohol', 'drugs', 'peer-support', 'cut-down'],
  'minimum_age': 18,
  'application_process': 'Self-referral or referral by a GP, probation, police or housing (as proposed).'},
 {'id': 'seed-cov-family-support',
  'name': 'Coventry family and carer support (proposed in 2016)',
  'description': 'Proposed in 2016, not described as running: support, advice and training for family, friends '
                 'and carers of people who use drug and alcohol services, with a mentoring programme so carers '
                 'can build support networks. This record comes from a 2016 report; it is historical and has '
                 'no contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [004] Reshaping Drug and Alcohol Services in Coventry (Coventry City Council report '
            'to the Scrutiny Co-ordination Committee, 12 October 2016); file 004_fd8f059de70c19a7.txt, §4.3.2, '
            'Appendix 4',
  'assured_date': '2016-10-12',
  'areas': ['Coventry'],
  'needs': ['family', 'alcohol', 'drugs', 'peer-support'],
  'eligibility_description': 'Family, friends and carers.'},
 {'id': 'seed-cov-young-peoples-service',
  'name': "Coventry young people's substance misuse service (proposed in 2016)",
  'description': 'Proposed in 2016 as part of a wider 0-19 service, not described as running: early help for '
                 'children and young people at risk of harm from their own drug or alcohol use or from a '
                 "parent's or carer's. This record comes from a 2016 report; it is historical and has no "
                 'contact details. Check the service still exists before relying on it.',
  'source': 'Seed document [004] Reshaping Drug and Alcohol Services in Coventry (Coventry City Council report '
            'to the Scrutiny Co-ordination Committee, 12 October 2016); file 004_fd8f059de70c19a7.txt, '
            '§4.4.4-§4.4.7, Appendix 4',
  'assured_date': '2016-10-12',
  'areas': ['Coventry'],
  'needs': ['young-people', 'alcohol', 'drugs', 'family'],
  'maximum_age': 19}]
