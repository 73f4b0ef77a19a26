"""What the seeded world says: the pools posts, comments and surveys are built from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Voice:
    """How people write in one Space; a post is assembled from these pools."""

    titles: tuple[str, ...]
    openers: tuple[str, ...]
    bodies: tuple[str, ...]
    questions: tuple[str, ...]
    closers: tuple[str, ...]
    captions: tuple[str, ...]
    """Lead lines of image posts."""
    polls: tuple[str, ...]
    """Whole poll posts: the question, then one line per option."""
    comments: tuple[str, ...]
    """Top-level comments that only make sense in this Space."""
    images: tuple[str, ...]
    """Names of the photos image posts carry."""


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    """A survey question; `options` only for the two choice types."""

    text: str
    type: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliberationPlan:
    """A seeded deliberation: its Space, phase, pre survey and what people say."""

    space: str
    status: str
    title: str
    description: str
    questions: tuple[QuestionPlan, ...]
    """The pre survey; the post survey asks them again."""
    views: tuple[str, ...]
    """Free-text answers written for this deliberation."""
    comments: tuple[str, ...]
    """Opening remarks of its discussion."""


@dataclass(frozen=True, slots=True)
class VerificationPlan:
    """An oracle request and the votes it has had so far, in order."""

    requester: str
    attribute_type: str
    attribute_value: str
    description: str
    evidence: tuple[tuple[str, str], ...]
    """(type, url) pairs."""
    votes: tuple[tuple[str, str], ...]
    """(voter, approve|reject) pairs; three of them decide the request."""
    days_ago: float
    revoked: bool = False


CIVIC_TECH = Voice(
    titles=(
        "What we learned running participatory budgeting on paper and online",
        "Open data portal: which datasets do people actually download?",
        "Council minutes are now machine-readable (sort of)",
        "Looking for maintainers: the ward-boundary lookup",
        "Accessibility audit of the city's report-a-problem form",
        "Notes from the civic hack night",
        "Why our 311 clone stalled, and what we'd do differently",
        "A plain-language glossary of the budget book",
        "Postmortem: the polling-station finder outage",
        "Should we publish the streetlight repair backlog?",
        "Procurement rules that make small vendors give up",
        "A tiny API for bin collection days",
    ),
    openers=(
        "Quick write-up from Tuesday's hack night.",
        "I've been digging through the council's open data portal again.",
        "Something that came up at the ward forum last week.",
        "A small win worth sharing.",
        "Long-time lurker, first proper post.",
        "Following up on the thread about the budget app.",
        "Had a frustrating afternoon with a PDF-only dataset.",
        "We finally got a meeting with the council's digital services team.",
        "Sharing this because it surprised me.",
        "This feels very on-topic for this Space.",
    ),
    bodies=(
        "The participatory budgeting pilot got 2,140 votes, but 70% of them came"
        " from three wards.",
        "Half the datasets on the portal haven't been updated since the last election.",
        "The planning applications feed drops any record with an apostrophe in the"
        " street name.",
        "Paper ballots at the library brought in older residents that the online form"
        " never reached.",
        "The procurement portal still asks new suppliers for a fax number.",
        "We rebuilt the ward lookup as a static site, and hosting now costs less than"
        " a coffee a month.",
        "Screen-reader users can't get past the date picker on the pothole form.",
        "The minutes are published as scanned images, so nobody can search them.",
        "Three volunteers maintain the bin-day API and all three of them are tired.",
        "The budget book uses four different names for the same parks department.",
        "Translating the consultation into Yoruba and Hausa doubled the responses"
        " from two wards.",
        "The streetlight repair backlog is 1,300 tickets long; the oldest dates"
        " from 2019.",
        "The digital team is keen, but any new tool has to pass a security review"
        " that takes six months.",
        "Open-sourcing the petition tool was the easy part; getting a second council"
        " to use it is the hard part.",
        "Someone mapped every public bench in the city over one weekend, with a phone"
        " and OpenStreetMap.",
        "The FOI answers come back as photos of printouts, which is almost impressive.",
    ),
    questions=(
        "Has anyone convinced a council to adopt a tool built by volunteers?",
        "What would you put in a one-page guide for councillors?",
        "Does anyone have a good template for a data-sharing agreement?",
        "Which dataset would you fight for first?",
        "How do you keep a volunteer project alive after its first year?",
        "Is it worth pushing for an API, or should we just scrape it?",
        "Would anyone review the accessibility fixes before we send them over?",
        "What's the least painful way to run a vote on paper and online at once?",
    ),
    closers=(
        "Notes and the spreadsheet are in the shared folder.",
        "Happy to pair on this if anyone has a free evening.",
        "I'll bring it up at the next hack night.",
        "Corrections welcome; I wrote this in a hurry.",
        "Thanks to everyone who turned up in the rain.",
        "More soon, once we hear back from the digital team.",
        "If you know someone at the council who cares about this, send them here.",
    ),
    captions=(
        "Whiteboard from the hack night. The arrows made sense at the time.",
        "The paper ballot box at the central library, nearly full by noon.",
        "This is the form residents see when they report a broken streetlight.",
        "Our ward map, coloured by turnout in the budget pilot.",
        "Sticky notes from the user-testing session at the community centre.",
        "The portal's 'last updated' column. Yes, really.",
    ),
    polls=(
        "Poll: where should the next hack night be?\n\n- Central library\n"
        "- The co-working space on Broad Street\n- Online only",
        "Poll: which dataset should we clean up first?\n\n- Planning applications\n"
        "- Streetlight repairs\n- Council spending over 500",
        "Poll: how often do you use the bin-day lookup?\n\n- Every week\n"
        "- Now and then\n- Never heard of it",
    ),
    comments=(
        "We hit the same wall with the planning feed. Escaping the street names"
        " fixed most of it.",
        "The accessibility point is huge. Happy to test with a screen reader this"
        " weekend.",
        "Paper plus online is the only setup I've seen stay representative.",
        "Do you know who owns the portal internally? That's usually the real blocker.",
        "I can do a second read of the Hausa translation if that helps.",
        "Six months for a security review is normal, sadly. Start the paperwork now.",
        "Could we publish the backlog as a weekly CSV instead of a live API? Less to"
        " maintain.",
        "This is exactly the kind of write-up I wish more projects did.",
        "Scraping works until they redesign the site. Ask for the API in writing.",
        "The bench map is brilliant. Is it on OpenStreetMap already?",
    ),
    images=(
        "hack-night-whiteboard",
        "library-ballot-box",
        "ward-turnout-map",
        "user-testing-notes",
        "streetlight-form",
    ),
)

RIVERSIDE = Voice(
    titles=(
        "Flood-watch rota for the next two weeks",
        "Towpath lights out again between the lock and the footbridge",
        "Tool library: what's in the shed",
        "Swap table this Saturday",
        "Minutes from the residents' meeting",
        "Who looks after the willow by number 14?",
        "River level readings, week by week",
        "Lost cat near the allotments",
        "Bulk order of sandbags before winter",
        "Litter pick on Sunday morning",
    ),
    openers=(
        "Evening all.",
        "Heads up for anyone walking the towpath tonight.",
        "Quick one from the residents' meeting.",
        "Thanks to whoever left the tomatoes on the swap table.",
        "Update from the flood-watch group.",
        "Bit of a long one, sorry.",
        "Morning, neighbours.",
        "Following up on Thursday's chat by the lock.",
    ),
    bodies=(
        "The gauge at the footbridge read 1.8 m this morning, up 30 cm since Friday.",
        "Two lights along the towpath are out again, and the stretch by the boatyard"
        " is pitch black after six.",
        "The council says the railings by the weir will be fixed 'this quarter',"
        " whatever that means.",
        "We have twelve people on the flood-watch rota and the Thursday night slot"
        " is still empty.",
        "The tool shed now has a pressure washer, two ladders and a very old strimmer.",
        "Someone has been dumping garden waste behind the allotment gate.",
        "The flood alert for our stretch of the river went amber at 4 pm.",
        "The footbridge will be closed for resurfacing from the 3rd to the 7th.",
        "Mrs Alvarez at number 22 has offered her front room for the next meeting.",
        "The swans are nesting by the slipway again, so please keep dogs on leads"
        " there.",
        "The drain by the pub overflows whenever it rains for more than an hour.",
        "We've raised 340 towards the defibrillator for the boathouse wall.",
        "Sandbags are much cheaper if we order forty or more together.",
        "The willow by number 14 leans further over the path after the storm.",
    ),
    questions=(
        "Can anyone take the Thursday night slot?",
        "Has anyone reported the lights yet, or shall I?",
        "Who has a van for the sandbag pickup?",
        "Would Saturday at ten work for everyone?",
        "Does anyone know who owns that stretch of bank?",
        "Any objections to moving the meeting to the boathouse?",
    ),
    closers=(
        "Stay dry, everyone.",
        "Thanks as always.",
        "I'll post the minutes here afterwards.",
        "Knock on my door at number 9 if you have questions.",
        "See you by the lock.",
        "Kettle's on at mine if you want to talk it through.",
    ),
    captions=(
        "The river at the footbridge this morning. Higher than I've seen it since"
        " March.",
        "The towpath by the boatyard at 7 pm. Bring a torch.",
        "Swap table haul: jam jars, a kettle and three children's books.",
        "The willow by number 14 after last night's wind.",
        "Sandbags stacked by the boathouse, ready to go.",
        "Litter pick crew, Sunday morning. Twelve bags!",
    ),
    polls=(
        "Poll: best evening for the next residents' meeting?\n\n- Tuesday\n"
        "- Wednesday\n- Thursday",
        "Poll: should we buy a second pump for the tool shed?\n\n"
        "- Yes, split the cost\n- No, one is enough\n- Only if the council chips in",
    ),
    comments=(
        "I can do Thursday nights until the end of the month.",
        "Reported the lights on the council app, reference 58213.",
        "I've got a van on Saturday, happy to help with the sandbags.",
        "The drain by the pub is a council job; I'll chase them again.",
        "Thanks for organising this, it makes a real difference.",
        "Count me in for the litter pick. I'll bring the grabbers.",
        "Saw the swans this morning, four eggs at least.",
        "Our cellar took water last time at 2.1 m, so I'm watching this closely.",
    ),
    images=(
        "footbridge-river-level",
        "towpath-at-dusk",
        "swap-table",
        "willow-number-14",
        "boathouse-sandbags",
    ),
)

CLIMATE_POLICY = Voice(
    titles=(
        "Reading the city's draft heat-action plan",
        "Cooling centres: who actually used them last summer?",
        "Retrofit grants are oversubscribed. Now what?",
        "Bus lanes or a congestion charge: the evidence",
        "What the transport emissions numbers leave out",
        "Tree canopy targets, and where the trees actually go",
        "Heat-health warnings and outdoor workers",
        "How to pay for the retrofit programme",
        "The city's carbon budget, explained",
        "Comparing three cities' heat plans",
    ),
    openers=(
        "I finally read the whole draft heat-action plan.",
        "New numbers from the transport department are out.",
        "Some context before Thursday's committee vote.",
        "A question I keep getting asked at work.",
        "Sharing a paper that changed my mind a little.",
        "Trying to summarise a long thread from last week.",
        "The consultation closes on Friday, so a quick note.",
        "Worth reading if you care about summer in this city.",
    ),
    bodies=(
        "Surface temperatures in the eastern districts were 7 degrees higher than in"
        " the parks on the hottest day last July.",
        "Only 14% of retrofit grant applications were funded, and most went to"
        " owner-occupiers.",
        "The plan names cooling centres but not their opening hours, which is the"
        " part that matters at night.",
        "Transport is 38% of the city's emissions, and most of that is trips under"
        " 5 km.",
        "Tree planting targets are met on paper, but a third of new street trees die"
        " within three years without watering.",
        "Outdoor workers have no legal maximum working temperature here, only"
        " guidance.",
        "The bus lane trial cut eight minutes off the 14 route without measurably"
        " slowing car traffic.",
        "A congestion charge would raise roughly 40 million a year, according to the"
        " council's own model.",
        "Heat deaths are undercounted because death certificates rarely name heat as"
        " a cause.",
        "Social housing retrofits are slower because every block needs its own tender.",
        "At current rates the city's carbon budget runs out in 2031.",
        "Cities that published heat maps planted more trees in their hottest streets.",
        "Libraries and shopping centres were the most used cooling spaces, mostly"
        " because people already knew where they were.",
        "The plan relies on a grant programme the national government hasn't"
        " confirmed beyond next year.",
    ),
    questions=(
        "What would you cut to fund the retrofits?",
        "Has anyone seen good data on cooling-centre use at night?",
        "Is a congestion charge politically possible here, realistically?",
        "Which measure would save the most lives per euro spent?",
        "Should the plan set binding targets or stay as guidance?",
        "What's missing from the draft, in your view?",
    ),
    closers=(
        "Sources are linked in the consultation document, pages 12 to 19.",
        "Happy to be corrected on any of these numbers.",
        "I'll submit a response on behalf of the forum if people agree.",
        "Curious what the transport folks here think.",
        "Let's keep this evidence-first, as always.",
        "Thanks for reading this far.",
    ),
    captions=(
        "Thermal image of the bus depot roof next to the park.",
        "Street trees planted since 2020, coloured by whether they survived.",
        "The cooling centre sign at the central library. It closes at 6 pm.",
        "Emissions by sector, from 2015 to last year.",
        "The 14 bus in its new lane at rush hour.",
    ),
    polls=(
        "Poll: which should the city fund first?\n\n- Home retrofits\n"
        "- Street trees and shade\n- Night-time cooling centres",
        "Poll: would you support a congestion charge if every cent went to buses?"
        "\n\n- Yes\n- No\n- Depends on the exemptions",
    ),
    comments=(
        "The night-time point is crucial. Most heat deaths follow a hot night, not a"
        " hot day.",
        "Do you have the source for the 7 degree figure? I'd like to cite it.",
        "Renters are the blind spot in every retrofit scheme I've seen.",
        "Bus lanes are the cheapest win on that list by far.",
        "Watering contracts for new trees belong in the planting budget, full stop.",
        "Binding targets without funding just produce missed targets.",
        "The transport model assumes trip lengths never change, which seems"
        " optimistic.",
        "Good summary. I'd add that the consultation form caps each answer at 500"
        " characters.",
    ),
    images=(
        "depot-thermal-image",
        "street-tree-survival-map",
        "cooling-centre-sign",
        "emissions-by-sector",
        "route-14-bus-lane",
    ),
)

OPEN_SCIENCE = Voice(
    titles=(
        "Replication attempt: the 2016 priming study, with our data",
        "A preregistration template for small labs",
        "Where do you host data sets over 50 GB?",
        "Reviewing preprints as a journal club",
        "Open-data licences: CC0 or CC BY?",
        "The negative results we never published",
        "Our lab's first registered report",
        "Code review for analysis scripts",
        "Data availability statements that actually help",
    ),
    openers=(
        "Sharing our replication attempt, warts and all.",
        "A question for people who run journal clubs.",
        "We finally submitted our first registered report.",
        "I spent the week cleaning a data set from 2014.",
        "Something I wish I'd known as a PhD student.",
        "Reviewer 2 strikes again, but this time they had a point.",
        "A short note on licences, since it keeps coming up.",
        "From this morning's lab meeting.",
    ),
    bodies=(
        "Our replication with 412 participants found an effect about a fifth the size"
        " of the original.",
        "The original analysis script was shared, but it needs a package version that"
        " no longer installs.",
        "Zenodo takes most of our data, but the imaging files are too big for it.",
        "CC0 makes reuse simplest, but some funders still ask for attribution.",
        "Preregistering took two extra weeks and saved us months of arguing about"
        " outliers later.",
        "Half of our 'data available on request' emails never got an answer.",
        "We now run every analysis script on a clean machine before submission.",
        "Our journal club reviews one preprint a week and posts the review publicly.",
        "The stage 1 reviewers asked for a power analysis we should have done anyway.",
        "We found a unit error in our own 2019 paper and have asked for a correction.",
        "Version-controlled notebooks made the methods section almost write itself.",
        "The registered report format kept reviewers on the question, not the results.",
    ),
    questions=(
        "How do you handle consent forms that never mentioned data sharing?",
        "Would anyone be willing to rerun our pipeline independently?",
        "Which repository do you trust for long-term storage?",
        "Do you publish null results, and where?",
        "How do you credit the people who clean the data?",
        "Is a journal club's preprint review worth anything on a CV?",
    ),
    closers=(
        "Data and code are on OSF; the link is in the preprint.",
        "Comments on the preprint are very welcome.",
        "Thanks to the two students who did the hardest part.",
        "Will report back after the stage 2 review.",
        "Methods summary in the first comment.",
        "Happy to share the template.",
    ),
    captions=(
        "Effect sizes: the original study against our replication, with intervals.",
        "Our lab's data management plan, on one slide.",
        "Journal club whiteboard: the preprint's Figure 3, redrawn.",
        "The server that holds our imaging data. Yes, it lives in a cupboard.",
    ),
    polls=(
        "Poll: which licence do you use for data sets?\n\n- CC0\n- CC BY 4.0\n"
        "- Something else\n- I don't share data yet",
        "Poll: should our journal club stick to preprints in our field?\n\n- Yes\n"
        "- No, mix it up",
    ),
    comments=(
        "A fifth of the original effect is still interesting. Publish it.",
        "We use Zenodo for data and a university storage bucket for the big files.",
        "Put the pipeline in a container. Annoying once, then never again.",
        "I'd happily rerun it; send me the repository.",
        "CC BY is fine in practice; nobody sues over a missing citation.",
        "Our lab puts null results on OSF with a short preprint.",
        "Credit data curators with CRediT roles. Reviewers do notice.",
        "This is the most useful thing I've read here this month.",
    ),
    images=(
        "replication-effect-sizes",
        "data-management-plan",
        "journal-club-whiteboard",
        "imaging-server-cupboard",
    ),
)

CYCLING = Voice(
    titles=(
        "Best route from the station to the business park?",
        "Winter tyres: worth it?",
        "The new protected lane on Harbour Road",
        "Secure bike parking at work",
        "Rain gear that actually works",
        "Close pass on the ring road this morning",
        "Maintenance night at the workshop",
        "Commuting by e-bike: six months in",
        "The dooring zone on Market Street",
    ),
    openers=(
        "Rode in through the sleet today, so naturally I have opinions.",
        "PSA for anyone on the river route.",
        "Six months of commuting by e-bike, some notes.",
        "New rider here, looking for advice.",
        "The Harbour Road lane opened this week.",
        "Had a close call this morning. I'm fine.",
        "Maintenance night recap.",
        "A small victory at work.",
    ),
    bodies=(
        "The protected lane on Harbour Road is great until it stops dead at the"
        " roundabout.",
        "My commute is 11 km and takes 34 minutes by bike, 48 by bus.",
        "Studded tyres made the icy mornings boring, which is exactly what I want.",
        "Our office finally has a locked bike room with twenty spaces and a pump.",
        "The river route floods under the rail bridge after heavy rain.",
        "Delivery vans park in the Market Street lane every morning between eight"
        " and nine.",
        "A proper rain jacket and overtrousers cost me less than a month of bus"
        " passes.",
        "The workshop had eight people fixing brakes and two truing wheels last night.",
        "The lights at the hospital junction don't detect bikes, so you wait for a"
        " car.",
        "Chain lube in winter is a losing battle, but a cheap chain is easier to"
        " replace than a cassette.",
        "The station's bike racks are full by 7:45 every weekday.",
        "Mudguards with a long flap keep your feet dry, which changes everything.",
    ),
    questions=(
        "What do you all use for lights?",
        "Is the canal path rideable in winter?",
        "Anyone else commuting from the north side?",
        "How do you carry a laptop without a sweaty back?",
        "Is it worth reporting close passes to the police?",
        "Which tyres would you recommend for mixed gravel and tarmac?",
    ),
    closers=(
        "Ride safe, everyone.",
        "See you at maintenance night.",
        "I'll report back after a week of rain.",
        "Route is on the map in the comments.",
        "Thanks for all the tips last time.",
        "Wave if you see me on the bridge.",
    ),
    captions=(
        "The new lane on Harbour Road, 8 am on a Tuesday.",
        "Station bike racks at 7:50. Not a single space.",
        "My winter setup: studs, mudguards, two rear lights.",
        "Maintenance night at the workshop. Brakes everywhere.",
        "A van parked in the Market Street lane. Again.",
    ),
    polls=(
        "Poll: how far is your commute?\n\n- Under 5 km\n- 5 to 10 km\n"
        "- 10 to 20 km\n- Further",
        "Poll: do you ride through the winter?\n\n- Every day\n- When it's dry\n"
        "- No, bus until spring",
    ),
    comments=(
        "Panniers. Never going back to a backpack.",
        "The canal path is fine in winter, but watch the cobbles by the lock.",
        "I report every close pass with camera footage. Sometimes it works.",
        "North side here. The ring road crossing is the worst part.",
        "Two rear lights, one steady and one flashing. Non-negotiable.",
        "That roundabout is where everyone gets nervous. Let's write to the council"
        " together.",
        "Bike detection at that junction was promised last year.",
        "My touring tyres have lasted three winters so far.",
    ),
    images=(
        "harbour-road-lane",
        "station-bike-racks",
        "winter-setup",
        "workshop-brakes",
        "market-street-van",
    ),
)

ANNOUNCEMENTS = Voice(
    titles=(
        "Deliberations are out of beta",
        "Scheduled maintenance this Sunday",
        "New: a moderation queue for Space moderators",
        "Community guidelines, revised",
        "The API sandbox is open to everyone",
        "Oracle attestations now show on profiles",
        "What we're working on this quarter",
        "Changes to rate limits for API keys",
    ),
    openers=(
        "Hi everyone, June from the Ratel team here.",
        "A short update from the team.",
        "Thanks for all the feedback on last month's changes.",
        "Some news we're excited about.",
        "Heads up, a change is coming.",
    ),
    bodies=(
        "Deliberations now have pre and post surveys, so you can see how opinions"
        " shift after a discussion.",
        "We'll do database maintenance on Sunday from 02:00 to 03:00 UTC; expect a"
        " few minutes of read-only mode.",
        "Moderators now share a queue with every open report in their Space, oldest"
        " first.",
        "The revised guidelines make one change: repeated off-topic selling now"
        " counts as spam.",
        "Every developer can now get a sandbox key with test data, separate from"
        " production.",
        "Approved oracle attestations now appear on profiles, and you can hide them"
        " in your settings.",
        "This quarter we're focusing on accessibility, faster feeds and better"
        " notifications.",
        "Free API keys keep 5,000 requests an hour; bursts over 100 a minute now get"
        " a clear Retry-After.",
        "Spaces can now switch deliberations off entirely in their settings.",
        "We've fixed the bug where long comment threads collapsed after a reply.",
    ),
    questions=(
        "What would you like us to look at next?",
        "Did anything break for you after the update?",
    ),
    closers=(
        "As always, reply here or ping me with questions.",
        "Thank you for making Ratel a kind place to disagree.",
        "Full release notes are on the changelog page.",
        "If something looks broken, tell us. We read every report.",
    ),
    captions=(
        "The new moderation queue, with reports grouped by item.",
        "Deliberation results with the pre/post shift chart.",
    ),
    polls=(
        "Poll: what should we build next?\n\n- Better notifications\n"
        "- Offline mode for the apps\n- Event pages for Spaces",
    ),
    comments=(
        "Great news, thanks June!",
        "Will the sandbox data reset regularly?",
        "The moderation queue is a big help already.",
        "Can we get deliberation results as a CSV export?",
        "Thanks for the heads up about the maintenance.",
        "Any plans for a dark mode on the web?",
    ),
    images=("moderation-queue", "deliberation-results"),
)

PERSONAL = Voice(
    titles=(
        "Books of the season",
        "A talk at the community centre",
        "Night trains are back",
    ),
    openers=(
        "Small personal update.",
        "Not related to any Space, just sharing.",
        "Weekend thoughts.",
        "A book recommendation, since a few people asked.",
        "Life admin post, feel free to scroll past.",
    ),
    bodies=(
        "I finally finished 'The Death and Life of Great American Cities' and I see"
        " pavements differently now.",
        "Spent the weekend teaching my niece to ride a bike without stabilisers.",
        "Started a small reading group at work on public policy books.",
        "I'm giving a short talk at the community centre next month about open data.",
        "Took the night train for the first time in years. Slow, comfortable,"
        " recommended.",
        "Cooking for twelve people turns out to be mostly about chopping onions.",
        "Tried a week without my phone in the bedroom. Sleep is better, mornings are"
        " worse.",
        "My tomato plants survived the heatwave, barely.",
    ),
    questions=(
        "What are you all reading at the moment?",
        "Any tips for speaking to a room full of strangers?",
        "Can anyone recommend a good podcast about cities?",
    ),
    closers=(
        "Have a good week, everyone.",
        "That's all, back to work.",
        "Thanks for being a good corner of the internet.",
    ),
    captions=(
        "View from the night train, somewhere after midnight.",
        "The tomato plants, post-heatwave.",
    ),
    polls=(
        "Poll: morning person or night owl?\n\n- Morning\n- Night\n"
        "- Whatever the coffee says",
    ),
    comments=(
        "Love this, thanks for sharing.",
        "That book changed how I walk around my own street too.",
        "Good luck with the talk! Start with a story, not a slide.",
    ),
    images=("night-train-window", "tomato-plants"),
)

VOICES: dict[str | None, Voice] = {
    "civic-tech": CIVIC_TECH,
    "riverside": RIVERSIDE,
    "climate-policy": CLIMATE_POLICY,
    "open-science": OPEN_SCIENCE,
    "cycling": CYCLING,
    "announcements": ANNOUNCEMENTS,
    None: PERSONAL,
}
"""The voice of each Space by slug; None for personal posts."""

COMMENTS = (
    "Thanks for writing this up.",
    "Really useful, bookmarking this.",
    "I had no idea. Do you have a source?",
    "Agree with most of this, though I'm less sure about the last point.",
    "This matches what I've seen too.",
    "Could you say more about how you got there?",
    "Great point.",
    "Following this thread.",
    "I'll share this with a few people who should read it.",
    "Thanks, this helped.",
    "We tried something similar and it went sideways. Happy to compare notes.",
    "Seconding this.",
)
"""Top-level comments that fit under any post."""

REPLIES = (
    "Good question. I'd like to know too.",
    "Fair point, I hadn't thought of that.",
    "Agreed, well put.",
    "I see it differently, but I get where you're coming from.",
    "Yes! That's exactly what I meant.",
    "I'll check and come back to you.",
    "Could you share where that figure is from?",
    "Ha, fair.",
    "Let's pick this up at the next meeting.",
    "Same here.",
    "I think that's only part of the story, but fair.",
    "Thanks, that clears it up.",
)
"""Replies in a thread, under posts and in deliberations."""

DISCUSSION = (
    "I came in undecided, and the numbers in the briefing pack moved me a bit.",
    "Whatever we choose, we need a way to check in six months whether it worked.",
    "The people most affected are the least likely to be in this discussion.",
    "Can someone from the council confirm the cost estimate?",
    "I'd support a trial first, with a clear date to review it.",
    "My main worry is enforcement. Rules nobody enforces just breed resentment.",
    "Good to see the survey asks about trade-offs and not just yes or no.",
    "I changed my mind after reading the other city's evaluation.",
    "We keep talking about cost, but doing nothing has a cost too.",
    "Could we get the minutes of the last consultation on this?",
)
"""Remarks that fit any deliberation's discussion."""

SUPPORT = (
    "Strongly support",
    "Support",
    "Neutral",
    "Oppose",
    "Strongly oppose",
)
"""The usual answer scale of a proposal."""

EXTRA_QUESTIONS = (
    QuestionPlan("How much did the discussion change your view?", "likert"),
    QuestionPlan(
        "Did the discussion tell you something you didn't know?",
        "multiple_choice",
        ("Yes, a lot", "A little", "Not really"),
    ),
    QuestionPlan(
        "Is there anything the council should hear that the survey didn't ask?",
        "free_text",
    ),
)
"""Questions only a post survey asks."""

EXTRA_ANSWERS = (
    "Publish the results, including the parts that don't support the proposal.",
    "Please hold the next session in the evening so more people can come.",
    "Thank you for running this; it felt like we were actually heard.",
    "The briefing pack should have come out a week earlier.",
)
"""Free-text answers to the post-only question."""

DELIBERATIONS: tuple[DeliberationPlan, ...] = (
    DeliberationPlan(
        "civic-tech",
        "completed",
        "An open-data licence for council datasets",
        "The council is choosing one licence for everything on the open data portal."
        " Should it be CC BY 4.0, and which datasets come first?",
        (
            QuestionPlan(
                "Should the council publish all open datasets under CC BY 4.0?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "Which datasets should be published first?",
                "checkbox",
                (
                    "Planning applications",
                    "Council spending",
                    "Streetlight and pothole repairs",
                    "Bus punctuality",
                    "Air quality readings",
                ),
            ),
            QuestionPlan(
                "Publishing data openly makes the council more accountable.", "likert"
            ),
            QuestionPlan("What worries you about open data, if anything?", "free_text"),
        ),
        (
            "Personal data slipping through in free-text fields.",
            "That nobody keeps it up to date after the launch.",
            "Nothing, as long as it's updated regularly and documented.",
        ),
        (
            "CC BY is what most other councils use, which makes combining data easy.",
            "Attribution requirements confuse people. CC0 is simpler.",
            "Whatever the licence, please add a changelog to every dataset.",
        ),
    ),
    DeliberationPlan(
        "civic-tech",
        "discussion",
        "Participatory budgeting: online, paper or both?",
        "Next year's participatory budget is 1.2 million. The pilot was online only"
        " and turnout skewed young. Should we add paper ballots?",
        (
            QuestionPlan(
                "Should next year's participatory budget accept paper ballots"
                " alongside online votes?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "Where should paper ballot boxes be placed?",
                "checkbox",
                (
                    "Libraries",
                    "Community centres",
                    "Markets",
                    "Health clinics",
                    "Schools",
                ),
            ),
            QuestionPlan("I trust the results of an online-only vote.", "likert"),
            QuestionPlan("What would make you more likely to vote?", "free_text"),
        ),
        (
            "A reminder by text message the week before.",
            "Seeing what last year's winning projects actually delivered.",
            "Ballot boxes where I already go, like the market on Saturdays.",
        ),
        (
            "Paper doubles the counting work, but it's the only way to reach some"
            " residents.",
            "Could we count paper ballots publicly, so nobody doubts the result?",
            "The online pilot skewed young. That alone is a reason to add paper.",
        ),
    ),
    DeliberationPlan(
        "civic-tech",
        "pre_survey",
        "Library opening hours: late evenings or Sunday mornings?",
        "The library service can afford twelve more opening hours a week. Where"
        " should they go?",
        (
            QuestionPlan(
                "Which change to library opening hours would you prefer?",
                "multiple_choice",
                (
                    "Open until 9 pm on weekdays",
                    "Open on Sunday mornings",
                    "Split between both",
                    "Keep the current hours",
                ),
            ),
            QuestionPlan(
                "What do you use the library for?",
                "checkbox",
                (
                    "Borrowing books",
                    "Studying or working",
                    "Computers and printing",
                    "Children's activities",
                    "Meeting people",
                ),
            ),
            QuestionPlan("The library is open when I need it.", "likert"),
            QuestionPlan("Anything else the library service should know?", "free_text"),
        ),
        (
            "Students need somewhere quiet and warm after 6 pm.",
            "Sunday mornings would let working parents bring their children.",
            "Please don't cut the Saturday hours to pay for this.",
        ),
        (
            "Evening hours help shift workers, who are never asked about this.",
            "Sunday mornings are when families are free.",
            "Is the twelve hours figure fixed, or could it grow with volunteers?",
        ),
    ),
    DeliberationPlan(
        "civic-tech",
        "draft",
        "Should the council publish the streetlight repair backlog?",
        "A live list of every open streetlight repair, with its age and ward. Useful"
        " accountability, or a stick to beat a small team with?",
        (
            QuestionPlan(
                "Should the council publish the streetlight repair backlog?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "What should the published list include?",
                "checkbox",
                (
                    "Date reported",
                    "Ward",
                    "Expected repair date",
                    "Reason for delay",
                ),
            ),
            QuestionPlan(
                "Broken streetlights make me feel unsafe in my area.", "likert"
            ),
            QuestionPlan("How would you use the backlog data?", "free_text"),
        ),
        (
            "I'd check it before reporting a light, to avoid duplicates.",
            "To show the ward councillor how long we've waited.",
            "Probably not at all, but it should exist.",
        ),
        (
            "Publishing it will get the old tickets fixed within a month.",
            "The repair team is three people. Let's not make them the villains.",
            "A weekly snapshot would be enough.",
        ),
    ),
    DeliberationPlan(
        "climate-policy",
        "completed",
        "Heat-action plan: priorities for next summer",
        "The draft plan lists eleven measures and funds four. Which four?",
        (
            QuestionPlan(
                "Do you support the draft heat-action plan as written?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "Which measures should be funded first?",
                "checkbox",
                (
                    "Cooling centres open overnight",
                    "Shade on bus stops and playgrounds",
                    "Watering contracts for street trees",
                    "Wellbeing calls to people living alone",
                    "Outdoor work limits above 35 degrees",
                ),
            ),
            QuestionPlan("The city is prepared for a week-long heatwave.", "likert"),
            QuestionPlan("What did last summer's heat mean for you?", "free_text"),
        ),
        (
            "I couldn't sleep for a week; our flat faces west.",
            "My mother lives alone and nobody checked on her.",
            "We closed the shop at 2 pm every day in July.",
        ),
        (
            "Overnight cooling centres save the most lives per euro.",
            "Wellbeing calls are cheap and the voluntary sector already does them.",
            "Outdoor work limits need enforcement, or they are just a poster.",
        ),
    ),
    DeliberationPlan(
        "climate-policy",
        "post_survey",
        "A car-free street outside Eastfield Primary",
        "A one-year trial closing Eastfield Road to cars at drop-off and pick-up"
        " times, with exemptions for blue badge holders and residents.",
        (
            QuestionPlan(
                "Do you support closing Eastfield Road to cars at school times?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "Who should be exempt from the closure?",
                "checkbox",
                (
                    "Blue badge holders",
                    "Residents of the street",
                    "Carers and home-care workers",
                    "Delivery vans",
                    "Nobody",
                ),
            ),
            QuestionPlan(
                "The road outside the school is safe for children now.", "likert"
            ),
            QuestionPlan("How do your children get to school today?", "free_text"),
        ),
        (
            "We walk, but I hold my daughter's hand the whole way because of the"
            " traffic.",
            "By car, because I drive on to work afterwards.",
            "They cycle with a parent, and the last 200 metres are the scariest.",
        ),
        (
            "Other cities' school streets cut traffic on neighbouring roads too.",
            "Residents need to know they can still get out if there's an emergency.",
            "The trial should publish air quality readings before and after.",
        ),
    ),
    DeliberationPlan(
        "climate-policy",
        "discussion",
        "A congestion charge with every cent going to buses",
        "A weekday charge for driving into the centre, with the revenue ring-fenced"
        " for more frequent buses.",
        (
            QuestionPlan(
                "Do you support a congestion charge if all revenue funds buses?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "What should the bus money pay for first?",
                "checkbox",
                (
                    "More frequent routes",
                    "Night buses",
                    "Cheaper fares",
                    "New routes to the outer estates",
                ),
            ),
            QuestionPlan(
                "I could make most of my weekday trips without a car.", "likert"
            ),
            QuestionPlan("What would a congestion charge change for you?", "free_text"),
        ),
        (
            "Nothing much, I already take the bus.",
            "I'd have to change my shifts; the early bus doesn't run yet.",
            "Deliveries to my shop would cost more.",
        ),
        (
            "The charge only works if the buses improve first.",
            "Exemptions for carers are a must.",
            "Every city that introduced one saw opposition fall after a year.",
        ),
    ),
    DeliberationPlan(
        "climate-policy",
        "pre_survey",
        "Retrofit grants: owner-occupiers or renters first?",
        "Only 14% of applications were funded last year. Should the next round"
        " favour rented homes, where tenants pay the bills but cannot insulate?",
        (
            QuestionPlan(
                "Should the next round of retrofit grants favour rented homes?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "Which upgrades should grants cover?",
                "checkbox",
                (
                    "Wall and loft insulation",
                    "Heat pumps",
                    "Double glazing",
                    "Solar panels",
                ),
            ),
            QuestionPlan("My home is comfortable in winter and summer.", "likert"),
            QuestionPlan("What stops you from improving your home?", "free_text"),
        ),
        (
            "I rent, and my landlord won't even fix the windows.",
            "The upfront cost, even with a grant.",
            "Finding a builder who knows what a heat pump is.",
        ),
        (
            "Landlords should match the grant, or rent rises will eat the savings.",
            "Insulation first, heat pumps second.",
            "Could grants go to whole streets at once? It would cut costs.",
        ),
    ),
    DeliberationPlan(
        "riverside",
        "post_survey",
        "Flood barriers on the towpath?",
        "The council offers demountable flood barriers for our stretch, stored at"
        " the boathouse and put up by volunteers when the river rises.",
        (
            QuestionPlan(
                "Should we accept the council's demountable flood barriers?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "How could you help when the barriers go up?",
                "checkbox",
                (
                    "Carrying and fitting",
                    "Keeping watch at night",
                    "Checking on neighbours",
                    "Lending a vehicle",
                ),
            ),
            QuestionPlan("I know what to do if our street floods tonight.", "likert"),
            QuestionPlan("What worries you most about the next flood?", "free_text"),
        ),
        (
            "That it happens at night and nobody wakes up.",
            "Our cellar, and the boiler that lives in it.",
            "Elderly neighbours who can't carry anything upstairs.",
        ),
        (
            "The barriers need twelve people to fit them. Do we have twelve?",
            "Better barriers we have to fit than sandbags we have to fill.",
            "Can the council train us before winter?",
        ),
    ),
    DeliberationPlan(
        "riverside",
        "completed",
        "Towpath lighting: motion-sensor lights or none at all?",
        "Bats roost under the footbridge. The council will fit motion-sensor lights"
        " or leave the towpath dark; it won't do full lighting.",
        (
            QuestionPlan(
                "Should the towpath get motion-sensor lights?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "When do you use the towpath?",
                "checkbox",
                (
                    "Early morning",
                    "Daytime",
                    "Evening",
                    "Late at night",
                ),
            ),
            QuestionPlan("I feel safe on the towpath after dark.", "likert"),
            QuestionPlan("Anything else about the towpath at night?", "free_text"),
        ),
        (
            "The stretch by the boatyard is the only part that worries me.",
            "Please keep it dark for the bats; I carry a torch.",
            "Cyclists without lights are the real danger.",
        ),
        (
            "Motion sensors are a good compromise with the bats.",
            "A lit path draws more people, which makes it safer in itself.",
            "Could we try it on the boatyard stretch only?",
        ),
    ),
    DeliberationPlan(
        "open-science",
        "discussion",
        "Should the lab require preregistration for new studies?",
        "A proposal to make preregistration the default for every confirmatory"
        " study in the lab, with a one-page template.",
        (
            QuestionPlan(
                "Should preregistration be required for confirmatory studies?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "What should a preregistration include?",
                "checkbox",
                (
                    "Hypotheses",
                    "Sample size and stopping rule",
                    "Exclusion criteria",
                    "Analysis plan",
                    "Code for the main analysis",
                ),
            ),
            QuestionPlan(
                "Preregistration slows research down more than it helps.", "likert"
            ),
            QuestionPlan(
                "What has your experience with preregistration been?", "free_text"
            ),
        ),
        (
            "It took longer than expected and saved us in peer review.",
            "I've never done one and don't know where to start.",
            "Useful for confirmatory work, useless for exploratory projects.",
        ),
        (
            "Required for confirmatory studies, optional for pilots. That seems right.",
            "The template should be one page, or nobody will use it.",
            "Who checks the study matches the preregistration afterwards?",
        ),
    ),
    DeliberationPlan(
        "cycling",
        "draft",
        "Station bike parking: more racks or a staffed hub?",
        "The station racks are full by 7:45. The council can fund 200 more racks or"
        " a staffed, covered hub with 120 spaces and a repair stand.",
        (
            QuestionPlan(
                "Which option should the council fund?",
                "multiple_choice",
                (
                    "200 more open racks",
                    "A staffed hub with 120 spaces",
                    "Half and half",
                ),
            ),
            QuestionPlan(
                "What matters most when you park at the station?",
                "checkbox",
                (
                    "Security",
                    "Shelter from rain",
                    "Being close to the platforms",
                    "Space for cargo bikes",
                ),
            ),
            QuestionPlan(
                "I worry about my bike being stolen at the station.", "likert"
            ),
            QuestionPlan("Anything else about parking at the station?", "free_text"),
        ),
        (
            "Two bikes stolen in a year. I'd pay for a staffed hub.",
            "Just more racks, please, and some for cargo bikes.",
            "The hub must open before the first train.",
        ),
        (
            "A hub only works if it opens early enough for the 6:10 train.",
            "More racks help more people on day one.",
            "Could the hub charge a small fee to pay for the staff?",
        ),
    ),
    DeliberationPlan(
        "cycling",
        "completed",
        "Extend the Harbour Road lane past the roundabout?",
        "The protected lane ends at the roundabout. Extending it means removing 40"
        " parking spaces on Quay Street.",
        (
            QuestionPlan(
                "Do you support extending the lane if it removes 40 parking spaces?",
                "multiple_choice",
                SUPPORT,
            ),
            QuestionPlan(
                "How do you get through the roundabout today?",
                "checkbox",
                (
                    "Ride with the traffic",
                    "Use the pavement",
                    "Walk the bike across",
                    "Avoid it with a detour",
                ),
            ),
            QuestionPlan("The roundabout feels safe on a bike.", "likert"),
            QuestionPlan(
                "What should the council know about Quay Street?", "free_text"
            ),
        ),
        (
            "The shops worry about parking, but most of their customers walk.",
            "I detour 1.5 km every day to avoid that roundabout.",
            "Keep two loading bays for the bakery.",
        ),
        (
            "A lane that ends at the most dangerous spot protects nobody there.",
            "Could we keep a few disabled bays on Quay Street?",
            "The shopkeepers' survey said most customers walk or cycle.",
        ),
    ),
)
"""The seeded deliberations: every phase, in every Space that allows them."""

VOTE_COMMENTS = {
    "approve": (
        "Evidence checks out; the staff page lists them.",
        "Confirmed against the public register.",
        "I've worked with them on this and can vouch for it.",
        "The document matches the name on the profile.",
        "Link works and the details match.",
        "Looks right to me.",
    ),
    "reject": (
        "The link is broken, so I can't verify it.",
        "The document is cropped; the name isn't visible.",
        "The register lists a different person with that name.",
        "The register says this membership lapsed last year.",
        "Not enough evidence for this claim yet.",
        "The only evidence is self-published.",
    ),
}
"""Short comments voters leave, by vote."""

VERIFICATIONS: tuple[VerificationPlan, ...] = (
    VerificationPlan(
        "ada", "professional_skill", "Civic technology: participatory budgeting tools",
        "I've built and run the budget voting tools for two councils since 2021.",
        (("url", "https://github.example/adaokafor/pb-vote"),
         ("reference", "https://lagos-civic.example/people/ada-okafor")),
        (("hana", "approve"),), 2.5,
    ),
    VerificationPlan(
        "ada", "membership", "Code for Lagos: core organiser",
        "Organiser of the monthly civic hack nights since 2019.",
        (("url", "https://codeforlagos.example/team"),), (), 1.2,
    ),
    VerificationPlan(
        "bruno", "professional_skill", "Licensed urban planner",
        "Registered with the national association of planners, licence 7731.",
        (("document", "https://docs.ratel.example/evidence/bruno-licence.pdf"),
         ("url", "https://planners-register.example/7731")),
        (("gus", "approve"),), 3.0,
    ),
    VerificationPlan(
        "chen", "employer", "Climate Adaptation Lab, National Taiwan University",
        "Postdoctoral researcher in the heat adaptation group.",
        (("url", "https://ntu-climate-lab.example/people/chen-wei"),),
        (("ivan", "approve"), ("dilnoza", "approve")), 4.0,
    ),
    VerificationPlan(
        "dilnoza", "professional_skill", "Librarianship (MLIS)",
        "Master of Library and Information Science, 2016.",
        (("document", "https://docs.ratel.example/evidence/dilnoza-mlis.pdf"),),
        (), 0.8,
    ),
    VerificationPlan(
        "farah", "professional_skill", "Registered public health nurse",
        "Registered with the nursing council; I run the vaccination clinic.",
        (("url", "https://nursing-register.example/search?id=RN-55120"),),
        (("chen", "approve"),), 2.0,
    ),
    VerificationPlan(
        "gus", "other", "Certified bicycle mechanic, level 2",
        "Certificate from the cycle mechanics' school, 2022.",
        (("document", "https://docs.ratel.example/evidence/gus-mechanic.pdf"),),
        (("bruno", "approve"), ("hana", "reject")), 5.0,
    ),
    VerificationPlan(
        "hana", "employer", "Osaka Data Desk",
        "Data journalist on the public records team.",
        (("url", "https://osaka-data-desk.example/staff/hana-suzuki"),),
        (("ada", "approve"), ("emeka", "approve")), 3.5,
    ),
    VerificationPlan(
        "ivan", "university", "MSc Physics, Sofia University",
        "Graduated 2012; the diploma supplement is attached.",
        (("document", "https://docs.ratel.example/evidence/ivan-msc.pdf"),),
        (("ada", "approve"),), 1.8,
    ),
    VerificationPlan(
        "emeka", "membership", "Open Source Initiative, individual member",
        "Member since 2020.",
        (("url", "https://osi-members.example/emeka-nwosu"),), (), 0.4,
    ),
    VerificationPlan(
        "chen", "university", "PhD, Atmospheric Sciences",
        "Doctorate from National Taiwan University, 2019.",
        (("url", "https://ntu-theses.example/2019/chen-wei"),),
        (("ada", "approve"), ("dilnoza", "approve"), ("ivan", "approve")), 64,
    ),
    VerificationPlan(
        "hana", "professional_skill", "Data journalism",
        "Eight years of data reporting; portfolio linked.",
        (("url", "https://hanasuzuki.example/portfolio"),),
        (("emeka", "approve"), ("ada", "approve"), ("june", "reject")), 41,
    ),
    VerificationPlan(
        "ada", "employer", "Lagos State Civic Innovation Office",
        "Senior product lead since 2022.",
        (("url", "https://civic-innovation.example/team/ada-okafor"),
         ("document", "https://docs.ratel.example/evidence/ada-employment.pdf")),
        (("chen", "approve"), ("hana", "approve"), ("june", "approve")), 88,
    ),
    VerificationPlan(
        "june", "membership", "Ratel community team",
        "Staff member of the Ratel Foundation.",
        (("url", "https://ratel.example/team"),),
        (("ada", "approve"), ("bruno", "approve"), ("chen", "approve")), 120,
    ),
    VerificationPlan(
        "farah", "university", "BSc Nursing, University of Jordan",
        "Graduated 2014.",
        (("document", "https://docs.ratel.example/evidence/farah-bsc.pdf"),),
        (("chen", "approve"), ("ivan", "approve"), ("bruno", "approve")), 33,
    ),
    VerificationPlan(
        "bruno", "membership", "Lisbon Cycling Federation",
        "Volunteer ride leader and member since 2018.",
        (("url", "https://lisbon-cycling.example/members/bruno-tavares"),),
        (("gus", "approve"), ("farah", "approve"), ("ada", "reject")), 27,
    ),
    VerificationPlan(
        "ivan", "age", "Over 18",
        "Needed for the evening science pub quiz sign-up.",
        (("document", "https://docs.ratel.example/evidence/ivan-id-redacted.pdf"),),
        (("chen", "approve"), ("emeka", "approve"), ("dilnoza", "approve")), 19,
    ),
    VerificationPlan(
        "dilnoza", "gender", "Woman",
        "For the women-in-libraries mentoring circle.",
        (("reference", "https://libraries-mentoring.example/circle/members"),),
        (("hana", "approve"), ("farah", "approve"), ("chen", "approve")), 12,
    ),
    VerificationPlan(
        "emeka", "employer", "Backend engineer at a payments company",
        "Employment letter attached. (I have since changed jobs.)",
        (("document", "https://docs.ratel.example/evidence/emeka-letter.pdf"),),
        (("ada", "approve"), ("hana", "approve"), ("ivan", "approve")), 300,
        revoked=True,
    ),
    VerificationPlan(
        "gus", "university", "Civil Engineering, Universidad Nacional de Colombia",
        "Two years of the degree, not completed.",
        (("url", "https://unal-alumni.example/gustavo-rios"),),
        (("bruno", "approve"), ("ivan", "reject"), ("chen", "reject")), 22,
    ),
    VerificationPlan(
        "dilnoza", "other", "Author of 'Reading Circles in Practice'",
        "A short guide I wrote for public libraries.",
        (("url", "https://self-publish.example/reading-circles"),),
        (("hana", "reject"), ("chen", "reject"), ("ada", "approve")), 47,
    ),
    VerificationPlan(
        "ivan", "employer", "Sofia Mathematics High School",
        "Physics teacher since 2015.",
        (("document", "https://docs.ratel.example/evidence/ivan-contract.jpg"),),
        (("ada", "reject"), ("emeka", "reject"), ("chen", "reject")), 9,
    ),
    VerificationPlan(
        "farah", "membership", "Jordan Nurses Council",
        "Membership card attached.",
        (("document", "https://docs.ratel.example/evidence/farah-card.jpg"),),
        (("bruno", "reject"), ("june", "reject"), ("gus", "reject")), 15,
    ),
    VerificationPlan(
        "bruno", "professional_skill", "Traffic engineering",
        "Worked on junction designs for the city's cycle network.",
        (("reference", "https://lisbon-mobility.example/projects"),),
        (("ada", "reject"), ("chen", "approve"), ("hana", "reject")), 36,
    ),
)  # fmt: skip
"""The oracle's requests: pending, approved and rejected ones."""

TROUBLE_POSTS = {
    "spam": (
        "Huge savings! 70% off e-bikes this week only at"
        " https://cheap-ebikes-deal.example/promo?ref=RTL, limited stock!!!",
        "I made 4,000 last month working from home with one simple method:"
        " https://easy-income.example/start. Ask me how!",
        "Free token airdrop for Ratel members, claim before midnight:"
        " https://ratel-airdrop.example/claim",
        "Check out my new newsletter about productivity hacks!"
        " https://hustle-weekly.example. Subscribe now, first month free!!",
        "SEO services, guaranteed first page on Google. DM me for prices."
        " https://rank-fast.example",
    ),
    "harassment": (
        "Honestly, anyone still defending this either hasn't read it or doesn't"
        " care. Stop wasting everyone's time.",
        "I'm tired of the same three people derailing every thread here. You know"
        " who you are, and nobody wants to hear it.",
        "Some people in this Space clearly love the sound of their own typing."
        " Give it a rest.",
    ),
    "misinformation": (
        "Reminder that heat pumps simply stop working below 5 degrees, so the"
        " retrofit plan is pointless in winter.",
        "The river can't flood this year because the council dredged it in spring."
        " No need for sandbags.",
        "Studies show bike lanes increase pollution because cars idle longer. Look"
        " it up.",
        "Preprints are never checked by anyone, so you can ignore all of them.",
        "The open data portal sells our personal details to advertisers; that's how"
        " it's funded.",
    ),
    "off_topic": (
        "Selling my sofa, barely used, grey, 120 or best offer. Collection only.",
        "Does anyone know a good wedding photographer? Budget is flexible.",
        "My cousin's restaurant opens on Friday, 10% off with the code RIVER10!",
        "Selling two concert tickets for Saturday at face value, message me.",
    ),
    "other": (
        "Here's the home address of the councillor who voted against the lane, so"
        " people can tell him what they think: 14 Elm Close.",
        "This is the landlord's phone number at number 30. Call him until he fixes"
        " the fence: 0711 555 0142.",
        "Pasting the whole textbook chapter below so nobody has to buy it.",
    ),
}
"""Posts that earn a report, by the reason they earn."""

TROUBLE_COMMENTS = {
    "spam": (
        "Great post! Also see https://cheap-ebikes-deal.example/promo for amazing"
        " deals!!",
        "Earn money from home, link in my profile.",
        "Nice. Anyone want more followers? https://boost-followers.example",
        "Claim your free tokens here: https://ratel-airdrop.example/claim",
    ),
    "harassment": (
        "This is a ridiculous take and you should be embarrassed for posting it.",
        "Maybe read the document before lecturing everyone?",
        "Nobody asked for your opinion, frankly.",
        "You clearly have no idea what you're talking about. Again.",
    ),
    "misinformation": (
        "That's not true. The flood maps were made up by insurers to raise premiums.",
        "Trees actually make cities hotter at night, everyone knows that.",
        "The consultation is fake; they decided everything last year.",
        "Replications are paid for by drug companies to discredit good science.",
    ),
    "off_topic": (
        "Unrelated, but is anyone selling a used games console?",
        "Off topic: who's watching the match tonight?",
        "Selling a cot and a baby bath if anyone needs them, message me.",
        "Anyone know a cheap car mechanic near the centre?",
    ),
    "other": (
        "Her personal mobile is 0711 555 0188, just call her directly.",
        "I've pasted the whole paywalled article below, enjoy.",
        "Screenshot of the private group chat, for transparency.",
    ),
}
"""Comments that earn a report, by reason."""

REPORT_NOTES = {
    "spam": (
        "Same link posted in five Spaces today.",
        "Looks like this account was compromised.",
        "Obvious advert.",
        "The link goes to a phishing page.",
        "Third time this week.",
    ),
    "harassment": (
        "Personal attack, not about the argument.",
        "Third rude reply to the same person.",
        "Uncalled for. Please have a word.",
        "This makes people feel unwelcome here.",
        "Name-calling in a thread that was civil until now.",
    ),
    "misinformation": (
        "The numbers don't match the council's published figures.",
        "This claim was debunked in the thread last month.",
        "Dangerous if people believe it and skip the flood prep.",
        "No source, and it contradicts the agency's data.",
        "Misquotes the study it links to.",
    ),
    "off_topic": (
        "Selling things belongs in the marketplace, not here.",
        "Nothing to do with this Space.",
        "Off-topic sale.",
        "Please move this to the right Space.",
    ),
    "other": (
        "Shares someone's private phone number.",
        "A personal address, posted publicly.",
        "Copyrighted material pasted in full.",
        "Screenshots of a private chat, shared without consent.",
        "Not sure which reason fits, but this feels wrong.",
    ),
}
"""Notes reporters leave, by reason."""

DISPUTED_NOTES = {
    "spam": (
        "Posted the same thing yesterday.",
        "Feels like self-promotion.",
    ),
    "harassment": (
        "A bit sharp in tone, maybe?",
        "Felt dismissive towards a newcomer.",
    ),
    "misinformation": (
        "I don't think these numbers are right.",
        "Source, please? This doesn't match what I've read.",
        "Outdated figure; the council revised it in the spring.",
        "This oversimplifies the study.",
    ),
    "off_topic": (
        "Belongs in another Space.",
        "The thread is drifting off topic.",
        "Interesting, but not what this Space is for.",
    ),
    "other": (
        "Not sure which reason fits, but please take a look.",
        "Might duplicate an older thread.",
        "Names a neighbour who may not want to be named.",
    ),
}
"""Notes on ordinary content that someone reported anyway, by reason: the
reports moderators approve or dismiss."""

DECISION_NOTES = {
    "approve": (
        "Heated, but within the guidelines.",
        "Reviewed: a fair criticism, not harassment.",
        "The source checks out.",
        "A legitimate question; keeping it.",
    ),
    "remove": (
        "Spam link, removed.",
        "Personal information; removed and the author contacted.",
        "Insult aimed at a member; removed with a warning.",
        "Removed: the claim is false and could put people at risk.",
    ),
    "dismiss": (
        "No rule broken.",
        "Duplicate report, nothing to do.",
        "Disagreement isn't misinformation.",
    ),
    "escalate": (
        "Needs an admin decision: possibly a repeat offender.",
        "A legal question about copyright; passing to the admins.",
        "Not sure about this one. Second opinion, please.",
    ),
}
"""What moderators write in the log, by action."""

BANS = (
    ("climate-policy", "gus", "Repeated off-topic selling after two warnings.", "over"),
    ("cycling", "hana", "Harassed another member in the comments.", "active"),
    ("riverside", "emeka", "Spam links in every thread.", "permanent"),
)
"""(Space, user, reason, kind) of the seeded bans; kind is over, active or
permanent."""

DRAFTS: dict[str | None, tuple[tuple[str | None, str], ...]] = {
    "civic-tech": (
        ("Budget app: lessons for round two",
         "Rough notes, not ready yet. 1) paper ballots matter 2) translate"
         " everything 3) publish the results the same night."),
        (None, "Thinking about writing up the accessibility audit properly. Need"
               " screenshots of the date picker first."),
    ),
    "riverside": (
        (None, "Draft of the flood-watch leaflet: who to call, where the sandbags"
               " are, how to check the gauge online."),
        ("Agenda for the next residents' meeting",
         "1. Towpath lights 2. Sandbag order 3. The willow by number 14 4. AOB"),
    ),
    "climate-policy": (
        ("Response to the heat-action plan consultation",
         "Main points: night-time cooling, renters, watering contracts for trees."
         " Check the page numbers."),
        (None, "Half-finished comparison of three cities' heat plans. Still missing"
               " the Madrid numbers."),
    ),
    "open-science": (
        ("Preregistration template v2",
         "Sections: hypotheses, sampling plan, exclusion rules, analysis plan. Ask"
         " the lab for comments before posting."),
        (None, "Journal club notes: the stats look fine, but the sample is all"
               " undergraduates."),
    ),
    "cycling": (
        ("Winter commuting checklist",
         "Lights, mudguards, studded tyres, spare tube, rain trousers... what am I"
         " missing?"),
        (None, "Want to write to the council about the Harbour Road roundabout."
               " Collecting incidents first."),
    ),
    "announcements": (
        ("Release notes: moderation improvements",
         "Draft for next week: bulk decisions, ban durations, the log view."),
        (None, "Reminder about the community guidelines, to go out after the"
               " maintenance window."),
    ),
    None: (
        (None, "Half a thought about why 6 pm meetings exclude carers. Finish"
               " later."),
        ("Books of the year",
         "So far: three on cities, one on statistics, one novel I didn't finish."),
    ),
}  # fmt: skip
"""Unfinished posts, by the Space they are meant for."""

SCHEDULED: dict[str | None, tuple[str | None, str]] = {
    "civic-tech": ("Hack night this Thursday",
                   "Reminder: hack night this Thursday at 7 pm, upstairs at the"
                   " central library. Bring a laptop; we'll have tea."),
    "riverside": ("Litter pick tomorrow",
                  "Litter pick tomorrow at 10 by the lock. Gloves and bags"
                  " provided."),
    "climate-policy": (None, "The heat-action plan consultation closes today at"
                             " midnight. If you haven't responded yet, now's the"
                             " time."),
    "open-science": ("Journal club: this week's preprint",
                     "This week we read the replication preprint from the Utrecht"
                     " group. Discussion on Friday at noon."),
    "cycling": (None, "Group ride to work on Friday! Meet at the station at 7:30;"
                      " we'll take Harbour Road at an easy pace."),
    "announcements": ("Maintenance window tonight",
                      "Reminder: maintenance tonight from 02:00 to 03:00 UTC."
                      " Expect a few minutes of read-only mode."),
    None: (None, "Talk at the community centre tonight at 6 about open data. Come"
                 " and say hi!"),
}  # fmt: skip
"""Posts waiting for their time, by Space."""
