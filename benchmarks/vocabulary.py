"""The word lists the synthetic letters are written from.

Each list is ordered from the most to the least used entry: the generator draws from it
with Zipf-like weights, so a few words are in most letters and many are rare, the way
real correspondence is.  Queries in benchmarks/run.py pick words from these lists, so
their selectivity is known to be realistic rather than "every letter" or "none".
"""

from __future__ import annotations

# (ISO code, name as letters write it, capital), most frequent sender first.  The
# generator skews senders towards the top of the list (Zipf, s ~ 1.1).
COUNTRIES = [
    ("US", "United States", "Washington"),
    ("GB", "United Kingdom", "London"),
    ("FR", "France", "Paris"),
    ("RU", "Russia", "Moscow"),
    ("DE", "Germany", "Berlin"),
    ("CN", "China", "Beijing"),
    ("JP", "Japan", "Tokyo"),
    ("IN", "India", "New Delhi"),
    ("PK", "Pakistan", "Islamabad"),
    ("CA", "Canada", "Ottawa"),
    ("IT", "Italy", "Rome"),
    ("BR", "Brazil", "Brasilia"),
    ("MX", "Mexico", "Mexico City"),
    ("ES", "Spain", "Madrid"),
    ("NL", "Netherlands", "The Hague"),
    ("NO", "Norway", "Oslo"),
    ("SE", "Sweden", "Stockholm"),
    ("CH", "Switzerland", "Bern"),
    ("AU", "Australia", "Canberra"),
    ("AR", "Argentina", "Buenos Aires"),
    ("PE", "Peru", "Lima"),
    ("CL", "Chile", "Santiago"),
    ("EG", "Egypt", "Cairo"),
    ("ZA", "South Africa", "Pretoria"),
    ("NG", "Nigeria", "Abuja"),
    ("KE", "Kenya", "Nairobi"),
    ("TR", "Turkey", "Ankara"),
    ("IR", "Iran", "Tehran"),
    ("IL", "Israel", "Jerusalem"),
    ("SA", "Saudi Arabia", "Riyadh"),
    ("ID", "Indonesia", "Jakarta"),
    ("PH", "Philippines", "Manila"),
    ("TH", "Thailand", "Bangkok"),
    ("VN", "Viet Nam", "Hanoi"),
    ("KR", "Republic of Korea", "Seoul"),
    ("PL", "Poland", "Warsaw"),
    ("AT", "Austria", "Vienna"),
    ("BE", "Belgium", "Brussels"),
    ("DK", "Denmark", "Copenhagen"),
    ("FI", "Finland", "Helsinki"),
    ("IE", "Ireland", "Dublin"),
    ("PT", "Portugal", "Lisbon"),
    ("GR", "Greece", "Athens"),
    ("HU", "Hungary", "Budapest"),
    ("CZ", "Czechia", "Prague"),
    ("RO", "Romania", "Bucharest"),
    ("UA", "Ukraine", "Kyiv"),
    ("NZ", "New Zealand", "Wellington"),
    ("CO", "Colombia", "Bogota"),
    ("VE", "Venezuela", "Caracas"),
    ("CU", "Cuba", "Havana"),
    ("DZ", "Algeria", "Algiers"),
    ("MA", "Morocco", "Rabat"),
    ("TN", "Tunisia", "Tunis"),
    ("ET", "Ethiopia", "Addis Ababa"),
    ("GH", "Ghana", "Accra"),
    ("SN", "Senegal", "Dakar"),
    ("TZ", "Tanzania", "Dodoma"),
    ("UG", "Uganda", "Kampala"),
    ("MY", "Malaysia", "Kuala Lumpur"),
    ("SG", "Singapore", "Singapore"),
    ("BD", "Bangladesh", "Dhaka"),
    ("LK", "Sri Lanka", "Colombo"),
    ("NP", "Nepal", "Kathmandu"),
    ("AF", "Afghanistan", "Kabul"),
    ("IQ", "Iraq", "Baghdad"),
    ("JO", "Jordan", "Amman"),
    ("LB", "Lebanon", "Beirut"),
    ("KZ", "Kazakhstan", "Astana"),
    ("MN", "Mongolia", "Ulaanbaatar"),
    ("IS", "Iceland", "Reykjavik"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("MT", "Malta", "Valletta"),
    ("CR", "Costa Rica", "San Jose"),
    ("UY", "Uruguay", "Montevideo"),
    ("BO", "Bolivia", "La Paz"),
    ("EC", "Ecuador", "Quito"),
    ("PY", "Paraguay", "Asuncion"),
    ("JM", "Jamaica", "Kingston"),
    ("FJ", "Fiji", "Suva"),
]

# Sender offices: (kind used in ids, organisation pattern, roles).  "{c}" is the sender
# country's name, "{host}" the city of the host country where the office sits.
OFFICES = [
    (
        "mfa",
        "Ministry of Foreign Affairs of {c}",
        [
            "Minister of Foreign Affairs",
            "Director General (Disarmament)",
            "Legal Adviser",
            "Head of the Treaty Section",
            "Director, Multilateral Affairs",
            "Deputy Minister",
        ],
    ),
    (
        "embassy",
        "Embassy of {c}",
        [
            "Ambassador",
            "Charge d'affaires a.i.",
            "First Secretary",
            "Counsellor",
            "Deputy Head of Mission",
            "Defence Attache",
        ],
    ),
    (
        "mission",
        "Permanent Mission of {c} to the United Nations",
        [
            "Permanent Representative",
            "Deputy Permanent Representative",
            "Minister Counsellor",
            "Disarmament Adviser",
        ],
    ),
    ("consulate", "Consulate General of {c}", ["Consul General", "Consul", "Vice Consul"]),
    (
        "presidency",
        "Office of the President of {c}",
        ["Chief of Staff", "Diplomatic Adviser to the President", "Secretary to the President"],
    ),
]
OFFICE_WEIGHTS = [40, 35, 14, 6, 5]

# Recipients that are not governments: (name of organisation, country, city).
ORGANISATIONS = [
    ("United Nations Secretariat", "US", "New York"),
    ("International Committee of the Red Cross", "CH", "Geneva"),
    ("Human Rights Watch", "US", "New York"),
    ("Office for Disarmament Affairs", "US", "New York"),
    ("Amnesty International", "GB", "London"),
    ("Organization for Security and Co-operation in Europe", "AT", "Vienna"),
    ("European Commission", "BE", "Brussels"),
    ("African Union Commission", "ET", "Addis Ababa"),
    ("International Atomic Energy Agency", "AT", "Vienna"),
    ("Organisation for the Prohibition of Chemical Weapons", "NL", "The Hague"),
    ("World Health Organization", "CH", "Geneva"),
    ("International Campaign to Ban Landmines", "CH", "Geneva"),
    ("Organization of American States", "US", "Washington"),
    ("Commonwealth Secretariat", "GB", "London"),
    ("Food and Agriculture Organization", "IT", "Rome"),
]
RECIPIENT_ROLES = [
    "Executive Director",
    "Secretary-General",
    "Director, Arms Division",
    "President",
    "High Representative for Disarmament Affairs",
    "Head of Delegation",
    "Legal Counsel",
    "Director of Operations",
]

FIRST_NAMES = (
    "John Maria Ahmed Irfan Elena Pierre Hans Li Wei Kenji Priya Carlos Ana Olga Sergei Fatima "
    "Mohammed David Sarah Ingrid Lars Giovanni Lucia Jan Piotr Katarzyna Ivan Nadia Omar Yusuf "
    "Amina Kwame Chinedu Grace Joseph Thomas Helen Margaret Robert Michael Jorge Luis Isabel "
    "Hiroshi Yuki Min-jun Soo-ah Rahul Anjali Tariq Leila Mustafa Ayse Nikos Eleni Mikko Aino "
    "Sean Siobhan Andrzej Zsofia Radu Oksana Bjorn Astrid Henrik Paulo Beatriz Diego Camila"
).split()
SURNAMES = (
    "Smith Garcia Khan Shami Petrov Ivanova Dubois Martin Muller Schmidt Wang Zhang Tanaka Sato "
    "Sharma Patel Rodriguez Lopez Silva Santos Kowalski Nowak Hansen Johansson Rossi Bianchi "
    "Okafor Mensah Kenyatta Haddad Yilmaz Demir Nakamura Kim Park Nguyen Tran Wilson Taylor "
    "Brown Goose Miliband Wareham Fernandez Gonzalez Morales Castillo Ahmadi Hosseini Cohen "
    "Levi Papadopoulos Virtanen Murphy Kelly Horvath Popescu Shevchenko Berg Lindqvist "
    "Almeida Pereira Torres Rahman Chowdhury Perera Shrestha Karimi Al-Sayed Mahmoud Farouk"
).split()

# Subjects letters are about: titles, "Subject:" lines and body mentions.
TOPICS = [
    "the Arms Trade Treaty",
    "the Convention on Cluster Munitions",
    "the Mine Ban Treaty",
    "the Chemical Weapons Convention",
    "the Biological Weapons Convention",
    "the Treaty on the Non-Proliferation of Nuclear Weapons",
    "the Comprehensive Nuclear-Test-Ban Treaty",
    "the Convention on Certain Conventional Weapons",
    "the Vienna Convention on Diplomatic Relations",
    "the Vienna Convention on the Law of Treaties",
    "the United Nations Convention on the Law of the Sea",
    "the Geneva Conventions and their Additional Protocols",
    "the Rome Statute of the International Criminal Court",
    "the Convention against Torture",
    "the Refugee Convention",
    "the Paris Agreement on climate change",
    "the bilateral investment treaty",
    "the extradition treaty",
    "the fisheries agreement",
    "the air services agreement",
    "the double taxation agreement",
    "the cultural cooperation agreement",
    "the memorandum of understanding on development assistance",
    "the status of forces agreement",
    "the visa facilitation arrangement",
    "the border demarcation commission",
    "the trade negotiations",
    "the economic sanctions",
    "the arms embargo",
    "the humanitarian ceasefire",
    "the peacekeeping operation",
    "the resettlement of refugees",
    "the repatriation of prisoners of war",
    "the protection of civilians in armed conflict",
    "the use of cluster munitions",
    "the transfer of small arms and light weapons",
    "the destruction of stockpiles",
    "the clearance of explosive remnants of war",
    "the export control regime",
    "the nuclear security summit",
    "the disarmament conference",
    "the review conference",
    "the General Assembly resolution",
    "the Security Council resolution",
    "the Human Rights Council resolution",
    "the universal periodic review",
    "the candidature for the Executive Board",
    "the election to the International Law Commission",
    "the opening of a consulate",
    "the accreditation of the new ambassador",
    "the state visit",
    "the official visit of the Foreign Minister",
    "the restitution of cultural property",
    "the maritime boundary dispute",
    "the water-sharing agreement",
    "the debt rescheduling",
    "the famine relief effort",
    "the earthquake relief appeal",
    "the detention of nationals abroad",
    "the consular access case",
]

# Meetings and forums.
MEETINGS = [
    "Conference on Disarmament",
    "Meeting of States Parties",
    "Review Conference",
    "General Assembly",
    "Security Council",
    "Human Rights Council",
    "First Committee",
    "Sixth Committee",
    "Oslo Conference",
    "Lima Conference",
    "Wellington Conference",
    "Dublin Diplomatic Conference",
    "ministerial meeting",
    "regional seminar",
    "intersessional meeting",
    "preparatory committee",
    "summit",
    "plenary session",
    "working group",
    "group of governmental experts",
    "expert consultation",
    "bilateral consultations",
    "joint commission",
    "donor conference",
    "signing ceremony",
]

NOUNS = """
government position question matter proposal cooperation support delegation treaty
convention agreement negotiations implementation obligations provisions text draft
resolution declaration statement commitment assistance ratification accession signature
procedure consultation consultations dialogue relations security peace sovereignty
territory border sanctions embargo ceasefire mediation reconciliation reconstruction
development aid trade investment tariffs exports imports quota concessions reciprocity
protocol annex article paragraph clause reservation declaration objection interpretation
compliance verification inspection inspections reporting transparency confidence
measures mechanism framework mandate authority jurisdiction immunity privileges
extradition asylum refugees migrants nationals citizens detainees prisoners hostages
victims survivors civilians combatants forces troops officers personnel experts
observers envoy envoys emissary representative representatives ministers parliament
legislation ratification instrument instruments depositary secretariat chairmanship
presidency bureau committee commission council assembly organisation organisations
community communities region stability prosperity welfare rights freedoms liberties
law justice accountability impunity tribunal court arbitration dispute disputes
settlement claims compensation damages reparations restitution liability responsibility
weapons munitions armaments arsenal stockpiles mines landmines explosives missiles
warheads materials technology transfers brokering diversion trafficking smuggling
licences licence exporters manufacturers industry budget contribution contributions
funding resources programme programmes project projects mission missions visit visits
invitation invitations attendance participation meeting meetings session sessions
agenda item items outcome results report reports recommendations findings evidence
information documents correspondence note notes memorandum aide-memoire communique
letter letters reply response request requests assurance assurances consideration
attention gratitude appreciation regret concern concerns protest objection satisfaction
initiative initiatives efforts endeavour progress difficulties obstacles challenges
threats risks consequences impact situation circumstances developments events crisis
conflict hostilities aggression occupation withdrawal demobilisation disarmament
nonproliferation deterrence doctrine policy policies strategy priorities interests
principles values tradition friendship partnership alliance neutrality solidarity
""".split()

ADJECTIVES = """
international bilateral multilateral regional national federal constitutional legal
political economic humanitarian diplomatic consular military strategic commercial
financial technical cultural scientific environmental nuclear chemical biological
conventional indiscriminate unacceptable substantial significant important essential
fundamental comprehensive effective appropriate necessary urgent immediate early
further additional practical concrete constructive positive cordial friendly mutual
reciprocal joint common shared collective universal global permanent temporary
provisional preliminary final formal informal official confidential public sensitive
relevant specific general particular existing current recent previous forthcoming
future long-term sustainable peaceful lawful unlawful binding voluntary mandatory
sovereign independent democratic territorial maritime civil criminal administrative
judicial parliamentary ministerial presidential
""".split()

VERBS = """
support welcome endorse reaffirm reiterate recall consider examine review assess
implement ratify sign accede adopt approve accept reject oppose condemn deplore regret
note acknowledge recognise appreciate commend encourage urge request invite propose
suggest recommend consult inform notify confirm clarify explain transmit forward submit
present convey express share discuss negotiate conclude finalise strengthen enhance
promote protect ensure guarantee facilitate coordinate cooperate contribute participate
host attend convene organise prepare establish maintain preserve restore resolve settle
address respond reply pursue continue resume suspend terminate withdraw extend renew
""".split()

ADVERBS = """
accordingly furthermore moreover however nevertheless consequently therefore
additionally meanwhile subsequently finally notably particularly regrettably
unfortunately fortunately indeed similarly likewise
""".split()

LEGAL_PHRASES = [
    "in accordance with international law",
    "in conformity with international humanitarian law",
    "pursuant to the relevant resolutions of the Security Council",
    "without prejudice to the position of my Government",
    "subject to ratification by the national parliament",
    "in accordance with Article 7 of the Convention",
    "under the terms of the Vienna Convention on Diplomatic Relations",
    "in the spirit of good neighbourliness",
    "on the basis of reciprocity",
    "in full respect of sovereignty and territorial integrity",
    "within the framework of the United Nations",
    "consistent with the principles of the Charter",
    "in keeping with our constitutional procedures",
    "as provided for in the Final Document",
    "in line with the obligations assumed",
    "with due regard to national security",
    "on a non-discriminatory basis",
    "in good faith",
    "at the earliest possible date",
    "as a matter of priority",
    "through diplomatic channels",
    "on humanitarian grounds",
    "for the avoidance of doubt",
    "in the interest of transparency",
    "with the consent of the parties concerned",
    "by means of an exchange of notes",
    "in a spirit of compromise",
    "in accordance with established practice",
    "upon entry into force",
    "mutatis mutandis",
]

OPENINGS = [
    "has the honour to refer to",
    "presents its compliments to",
    "wishes to acknowledge receipt of",
    "has the honour to transmit",
    "would like to draw your attention to",
    "writes with reference to",
    "wishes to convey its views on",
]

CLOSINGS = [
    "Please accept, Excellency, the assurances of my highest consideration.",
    "I avail myself of this opportunity to renew the assurances of my highest consideration.",
    "With assurances of my highest esteem,",
    "Yours sincerely,",
    "Yours faithfully,",
    "With kind regards,",
    "Respectfully yours,",
]

SALUTATIONS = ["Excellency,", "Dear {title} {surname},", "Sir,", "Madam,", "Dear Colleague,"]
HONORIFICS = ["Mr.", "Ms.", "Dr.", "Ambassador"]

MONTHS = (
    "January February March April May June July August September October November December"
).split()
