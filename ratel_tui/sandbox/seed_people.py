"""Who lives in the seeded world: the demo users and their Spaces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """A demo user; each gets a full-scope key at every sandbox start."""

    username: str
    display_name: str
    bio: str
    location: str
    joined_days_ago: int
    follows: tuple[str, ...]
    verified: bool = False
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class SpacePlan:
    """A seeded Space with its roles (the first admin created it)."""

    slug: str
    name: str
    category: str
    description: str
    admins: tuple[str, ...]
    moderators: tuple[str, ...]
    members: tuple[str, ...]
    created_days_ago: int
    visibility: str = "public"
    allow_posts: bool = True
    allow_deliberations: bool = True
    moderation: str = "community"


USERS: tuple[Person, ...] = (
    Person(
        "ada",
        "Ada Okafor",
        "Civic technologist. I build tools that help councils listen. Tea over coffee.",
        "Lagos",
        410,
        ("bruno", "chen", "hana", "june", "emeka"),
        verified=True,
    ),
    Person(
        "bruno",
        "Bruno Tavares",
        "Urban planner. Streets are for people. Weekend bike mechanic apprentice.",
        "Lisbon",
        380,
        ("ada", "gus", "farah"),
    ),
    Person(
        "chen",
        "Chen Wei",
        "Climate researcher working on heat adaptation in dense cities.",
        "Taipei",
        350,
        ("ada", "dilnoza", "ivan"),
        verified=True,
    ),
    Person(
        "dilnoza",
        "Dilnoza Karimova",
        "Librarian. Open access advocate. Runs a reading circle on Thursdays.",
        "Tashkent",
        300,
        ("chen", "hana"),
    ),
    Person(
        "emeka",
        "Emeka Nwosu",
        "Backend engineer. Likes boring technology and well-kept changelogs.",
        "Abuja",
        290,
        ("ada", "hana", "ivan"),
    ),
    Person(
        "farah",
        "Farah Haddad",
        "Public health nurse. Writing about clinics, queues and the people in them.",
        "Amman",
        260,
        ("bruno", "chen"),
    ),
    Person(
        "gus",
        "Gustavo Ríos",
        "Fixes bikes, rides them, argues about bike lanes at council meetings.",
        "Bogotá",
        240,
        ("bruno", "ada"),
    ),
    Person(
        "hana",
        "Hana Suzuki",
        "Data journalist. Charts, public records and the occasional FOI request.",
        "Osaka",
        220,
        ("ada", "dilnoza", "emeka"),
        verified=True,
    ),
    Person(
        "ivan",
        "Ivan Petrov",
        "Physics teacher. Trying to get my students to care about evidence.",
        "Sofia",
        200,
        ("chen", "emeka"),
    ),
    Person(
        "june",
        "June Park",
        "Ratel community team. Here to help; ping me about anything odd.",
        "Seoul",
        420,
        ("ada", "bruno", "chen", "hana"),
        verified=True,
        is_admin=True,
    ),
)
"""The demo users, in the order their keys are printed."""

EVERYONE = tuple(p.username for p in USERS)

SPACES: tuple[SpacePlan, ...] = (
    SpacePlan(
        "civic-tech",
        "Civic Tech Commons",
        "technology",
        "Open tools for open government: participatory budgeting, public data, "
        "and software that councils can actually maintain.",
        admins=("ada",),
        moderators=("emeka", "hana"),
        members=("bruno", "chen", "dilnoza", "gus", "ivan", "june"),
        created_days_ago=400,
    ),
    SpacePlan(
        "riverside",
        "Riverside Neighbours",
        "local",
        "For people living along the river path: repairs, swaps, meetings and the "
        "flood-watch rota. Members only.",
        admins=("bruno",),
        moderators=("farah",),
        members=("gus", "ada", "ivan"),
        created_days_ago=330,
        visibility="private",
    ),
    SpacePlan(
        "climate-policy",
        "Climate Policy Forum",
        "policy",
        "Evidence-first discussion of local climate policy: heat plans, transit, "
        "retrofits and how to pay for them.",
        admins=("chen",),
        moderators=("ivan", "ada"),
        members=("bruno", "dilnoza", "emeka", "farah", "hana", "june"),
        created_days_ago=340,
    ),
    SpacePlan(
        "open-science",
        "Open Science Lab",
        "science",
        "Preprints, replication attempts and open data sets. Bring your methods section.",
        admins=("dilnoza",),
        moderators=("chen",),
        members=("hana", "ivan", "emeka", "ada"),
        created_days_ago=280,
    ),
    SpacePlan(
        "cycling",
        "Cycling Commuters",
        "lifestyle",
        "Routes, repairs and rain gear for people who ride to work.",
        admins=("gus",),
        moderators=("bruno",),
        members=("ada", "farah", "ivan", "june", "chen"),
        created_days_ago=230,
    ),
    SpacePlan(
        "announcements",
        "Ratel Announcements",
        "meta",
        "News from the Ratel team. Only the team posts here; comments are open.",
        admins=("june",),
        moderators=(),
        members=EVERYONE[:-1],
        created_days_ago=415,
        allow_posts=False,
        allow_deliberations=False,
        moderation="staff",
    ),
)
"""The seeded Spaces; `announcements` is closed to posts from members."""
