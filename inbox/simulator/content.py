"""Who writes to the brand and what they say: personas and text banks for the simulator.

Personas are a fixed table with ids derived from their handles, so the same people come
back run after run (contacts, identities and influence build up as they would in life).
Only the choice of who says what, and when, depends on the simulation's seed.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    name: str
    handle: str  # X screen name, IG username, forum handle
    followers: int
    verified: bool
    location: str
    language: str  # what they mostly write in: en | es | fr | de
    fb_id: str  # page-scoped id (Messenger PSID / feed `from.id`)
    ig_id: str  # Instagram-scoped id
    x_id: str
    email: str
    phone: str  # E.164


def _digits(handle: str, salt: str, count: int) -> str:
    """Stable pseudo-random digits for a handle: same persona, same ids, every run."""
    digest = hashlib.sha256(f"{salt}:{handle}".encode()).hexdigest()
    return str(int(digest, 16))[:count].rjust(count, "0")


# name, handle, followers, verified, location, language
_PEOPLE: tuple[tuple[str, str, int, bool, str, str], ...] = (
    ("Zoë Martin", "zoemartin", 812, False, "Lyon, FR", "en"),
    ("Marcus Webb", "marcuswebb", 2_340, False, "Leeds, UK", "en"),
    ("Priya Shah", "priyacodes", 15_800, False, "Bangalore, IN", "en"),
    ("Dana Okafor", "danaokafor", 1_250_000, True, "Lagos, NG", "en"),
    ("Tech Talk Daily", "techtalkdaily", 486_000, True, "San Francisco, CA", "en"),
    ("José García", "josegarcia_es", 640, False, "Madrid, ES", "es"),
    ("Lucía Fernández", "luciafdz", 3_900, False, "Sevilla, ES", "es"),
    ("Camille Dubois", "camilledubois", 1_100, False, "Paris, FR", "fr"),
    ("Jonas Becker", "jonasbecker", 530, False, "Berlin, DE", "de"),
    ("Søren Nielsen", "sorennielsen", 290, False, "Aarhus, DK", "en"),
    ("Aiko Tanaka", "aikotanaka", 7_400, False, "Osaka, JP", "en"),
    ("Sam Rivera", "samrivera", 95, False, "Austin, TX", "en"),
    ("Grace Kim", "gracekim", 22_000, False, "Seoul, KR", "en"),
    ("Tom Fletcher", "tomfletcher88", 45, False, "Bristol, UK", "en"),
    ("Olivia Brown", "livbrown", 1_830, False, "Toronto, CA", "en"),
    ("Ahmed Hassan", "ahmedhassan", 12_600, False, "Cairo, EG", "en"),
    ("Chloe Nguyen", "chloenguyen", 3_200, False, "Melbourne, AU", "en"),
    ("Ravi Patel", "ravipatel", 610, False, "Leicester, UK", "en"),
    ("Emma Johansson", "emmajo", 2_050, False, "Stockholm, SE", "en"),
    ("Liam O'Connor", "liamoc", 340, False, "Dublin, IE", "en"),
    ("Mia Rossi", "miarossi", 9_700, False, "Milan, IT", "en"),
    ("Noah Williams", "noahw", 150, False, "Denver, CO", "en"),
    ("Fatima Zahra", "fatimazahra", 4_400, False, "Casablanca, MA", "fr"),
    ("Gadget Guru", "gadgetguru", 2_100_000, True, "Los Angeles, CA", "en"),
    ("Hannah Schmidt", "hannahschmidt", 820, False, "Munich, DE", "de"),
    ("Carlos Méndez", "carlosmendez", 27_500, False, "Mexico City, MX", "es"),
    ("Ella Thompson", "ellat", 60, False, "Cardiff, UK", "en"),
    ("Ben Carter", "bencarter", 1_020, False, "Boston, MA", "en"),
    ("Isabelle Laurent", "isalaurent", 150_000, True, "Montréal, CA", "fr"),
    ("Kwame Mensah", "kwamemensah", 5_300, False, "Accra, GH", "en"),
    ("Yuki Sato", "yukisato", 430, False, "Tokyo, JP", "en"),
    ("Rachel Green", "rachelgreen_", 2_700, False, "New York, NY", "en"),
    ("Daniel Levy", "danlevy", 88_000, False, "Tel Aviv, IL", "en"),
    ("Sophie Martin", "sophiemartin", 310, False, "Brussels, BE", "fr"),
    ("Owen Davies", "owendavies", 710, False, "Swansea, UK", "en"),
    ("Nina Petrova", "ninapetrova", 1_560, False, "Sofia, BG", "en"),
)
_MAIL_DOMAINS = ("example.net", "example.org", "mail.example.com")


def _persona(index: int, row: tuple[str, str, int, bool, str, str]) -> Persona:
    name, handle, followers, verified, location, language = row
    # Fictional number ranges only: US 555-01xx and the UK's 07700 900xxx drama range.
    # (Odd indexes only in the US range, so nobody shares the demo line +14155550100.)
    phone = f"+141555501{index:02d}" if index % 2 else f"+447700900{index:03d}"
    return Persona(
        name=name, handle=handle, followers=followers, verified=verified, location=location,
        language=language,
        fb_id="67" + _digits(handle, "fb", 14),
        ig_id="178414" + _digits(handle, "ig", 11),
        x_id="1" + _digits(handle, "x", 18),
        email=f"{handle.strip('_').replace('_', '.')}@{_MAIL_DOMAINS[index % 3]}",
        phone=phone,
    )


PERSONAS: tuple[Persona, ...] = tuple(_persona(i, row) for i, row in enumerate(_PEOPLE))

# --- text banks ------------------------------------------------------------------------------
# Placeholders: {order} {product} {days} {agent} {city} {brand} {tag}. The mix is meant to
# exercise enrichment: complaint cues, questions, praise, other languages, angry punctuation.

COMPLAINTS = (
    "My order #{order} still hasn't arrived after {days} days. Where is it?!",
    "I was charged twice for order #{order}. I want a refund today.",
    "My new {product} already stopped working after a week. Unacceptable.",
    "Third time asking: nobody answers the phone or email. Terrible service.",
    "Your app keeps logging me out at checkout, it is not working at all",
    "Cancelled my subscription a month ago and you still took the money. Is this a scam?",
    "Delivery driver left my {product} in the rain. Box soaked, {product} ruined.",
    "Worst customer service I have ever dealt with. Still waiting for a callback.",
    "Promo code from your email doesn't work and support chat just closes on me",
    "The replacement {product} arrived with the same fault. Really disappointed.",
)
QUESTIONS = (
    "How do I change the delivery address on order #{order}?",
    "Do you ship to {city}? Can't find it in the list.",
    "Can I return the {product} without the original box?",
    "When will the {product} be back in stock?",
    "Is there a student discount on the {product}?",
    "Anyone know if the {product} works with the older charger?",
    "What's the warranty on the {product}? Mine is 14 months old.",
    "Can you tell me the opening hours of the {city} store this weekend?",
)
PRAISE = (
    "Huge thanks to {agent} from support, sorted my refund in minutes!",
    "Love the new {product}, best purchase this year",
    "Great service from the {city} store today, thank you {brand}",
    "Order arrived a day early and the packaging was amazing. Thanks!",
    "Just wanted to say the new app update is awesome, checkout is so fast now",
)
FOLLOWUPS = (
    "Any update on this? Still waiting.",
    "Still no reply... it's been {days} days.",
    "Thanks, that worked!",
    "I've sent my order number by DM: #{order}",
    "Same problem here, my order #{order} is stuck too.",
    "Hello?? Is anyone reading these?!",
    "Great, thank you for the quick help.",
    "That did not fix it, the {product} is still not working.",
    "Following up on this, can someone call me back please?",
)
# What a customer says back to the brand's reply (the sandbox's customers, docs/sandbox.md).
ANSWERS = {
    "follow-up": (
        "Thanks. One more thing: can you also check order #{order}?",
        "OK, and how long will that take?",
        "I did that but the {product} still shows the same error.",
        "Where do I find the form you mentioned?",
    ),
    "thank-you": (
        "Thank you, that sorted it!",
        "Brilliant, thanks for the quick help.",
        "Perfect, all working now. Thanks {agent}!",
        "Got it, thanks a lot.",
    ),
    "angry": (
        "That is not an answer. I want to speak to a manager NOW.",
        "This is the third canned reply I get. Useless. I want a refund today!",
        "Still broken. If this isn't fixed today I'm cancelling and telling everyone.",
        "Unacceptable. Escalate this, I have waited {days} days already!",
    ),
}
ANSWER_MOODS = {"follow-up": 4, "thank-you": 4, "angry": 2}
FOREIGN = {
    "es": (
        "¿Dónde está mi pedido #{order}? Llevo {days} días esperando.",
        "El {product} no funciona y nadie me contesta. Quiero un reembolso.",
        "¿Hacen envíos a {city}?",
        "Gracias por la ayuda, todo resuelto.",
    ),
    "fr": (
        "Toujours pas de livraison pour la commande #{order}, c'est inadmissible.",
        "Est-ce que vous livrez à {city} ?",
        "Merci au service client, problème réglé en deux minutes !",
        "Mon {product} ne fonctionne pas depuis la mise à jour.",
    ),
    "de": (
        "Meine Bestellung #{order} ist immer noch nicht da. Ich will eine Erstattung.",
        "Können Sie mir sagen, wann der {product} wieder lieferbar ist?",
        "Danke für die schnelle Hilfe!",
        "Die App funktioniert nicht mehr seit dem Update.",
    ),
}
NEUTRAL_MENTIONS = (
    "Saw the new {brand} pop-up store in {city} today",
    "{brand} announced a new {product} this morning",
    "Comparing the {brand} {product} with the competition for a review next week",
    "Picked up a {product} from {brand} on my way home",
)
NEGATIVE_MENTIONS = (
    "Never ordering from {brand} again, the {product} broke in a week",
    "{brand} support is the worst, three weeks and no refund",
    "Avoid {brand}, they double charged me and nobody answers",
)
REVIEWS = {
    1: ("Terrible. The {product} broke after two days and support ignores me.",
        "Order never arrived and no refund. Avoid."),
    2: ("Disappointed: {product} works but delivery took {days} days.",
        "Not great. Had to chase support three times."),
    3: ("The {product} is fine, nothing special. Delivery was slow.",
        "Average experience, the app is confusing."),
    4: ("Good {product}, fast delivery. Packaging could be better.",
        "Nice quality, support answered within a day."),
    5: ("Amazing {product}, love it! Great service from {agent} too.",
        "Five stars: fast, friendly and the {product} is perfect."),
}
VOICEMAILS = (
    "Hi, this is {name}, calling about order {order}. It still hasn't arrived. "
    "Please call me back.",
    "Hello, I was charged twice this month and I'd like a refund. My number is the one "
    "I'm calling from.",
    "Hi, it's {name}. I have a question about the warranty on my {product}. Thanks.",
    "This is the third time I'm calling, nobody picks up. Order {order}. Call me.",
)
EMAIL_SUBJECTS = {
    "complaint": ("Order #{order} not delivered", "Double charge on my account",
                  "Faulty {product}", "Complaint about your service"),
    "question": ("Question about my order #{order}", "Delivery to {city}?",
                 "Warranty question", "Changing my address"),
    "praise": ("Thank you!", "Great experience with {agent}"),
}
BURSTS = {
    # topic -> (hashtag, lines); several authors within seconds, like a real outage
    "outage": ("#AcmeFail", (
        "Is {brand} down? App won't load {tag}",
        "Can't log in to {brand} at all, error 503 {tag}",
        "Checkout broken again, outage or just me? {tag}",
        "{brand} site down in {city} too {tag}",
        "Payment failed three times, is there an outage? {tag}",
        "Down again?! I have an order to place {tag}",
    )),
    "billing": ("#AcmeCharges", (
        "{brand} just charged me twice for one order {tag}",
        "Anyone else double charged by {brand} today? {tag}",
        "Two identical charges on my card from {brand}, refund please {tag}",
        "Bank shows a duplicate {brand} payment, what's going on? {tag}",
    )),
}

# `inbox simulate --spike TERM`: angry complaints that all name the term ({tag}).
SPIKE_LINES = (
    "{tag} is down for me too, {brand} this is unacceptable",
    "Anyone else hit by {tag}? {brand} please say something",
    "{tag} again?! Third time this week, {brand}, I want a refund",
    "Still no word from {brand} about {tag} in {city}. Furious.",
)

_PRODUCTS = ("blender", "headphones", "standing desk", "coffee machine", "smart watch",
             "air fryer", "backpack", "e-reader", "kettle", "phone case")
_CITIES = ("Leeds", "Dublin", "Lisbon", "Toronto", "Austin", "Berlin", "Madrid", "Lyon")
_AGENTS = ("Lena", "Omar", "Alice", "Jun", "Marta")


def fill(template: str, rng: random.Random, brand: str = "Acme", tag: str = "",
         name: str = "") -> str:
    return template.format(
        order=rng.randint(100000, 999999), product=rng.choice(_PRODUCTS),
        days=rng.randint(3, 21), agent=rng.choice(_AGENTS), city=rng.choice(_CITIES),
        brand=brand, tag=tag, name=name,
    )


def opening_text(rng: random.Random, persona: Persona, intent: str, brand: str = "Acme") -> str:
    """A first message: complaint, question or praise, sometimes in the persona's language."""
    if persona.language in FOREIGN and rng.random() < 0.7:
        return fill(rng.choice(FOREIGN[persona.language]), rng, brand)
    bank = {"complaint": COMPLAINTS, "question": QUESTIONS, "praise": PRAISE}[intent]
    return fill(rng.choice(bank), rng, brand)


def pick_intent(rng: random.Random) -> str:
    # Contact-centre traffic is mostly problems; praise is the minority it is in life.
    return rng.choices(("complaint", "question", "praise"), weights=(5, 3, 2))[0]
