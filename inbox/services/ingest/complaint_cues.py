"""Complaint cues: the wording, sarcasm and emoji a care team reads as a complaint.

Pure and compiled once at import. `complaint_cue(text)` answers the matched words (for a
test or a log line) or None; intent uses it before anything else (docs/enrichment.md,
"Intent precedence"). The tables are generic customer-care wording, tuned on one half of
a public labelled data set and checked on the other half ("Measured" in the same page).
"""

from __future__ import annotations

import re

__all__ = ["NT", "complaint_cue", "phrases"]

NT = r"n['’]?t"  # "isn't", "isn’t" (phones type curly quotes), "isnt"
_AUX = rf"(?:does{NT}|do{NT}|did{NT}|won['’]?t|can{NT}|cannot|could{NT}|is{NT}|are{NT}|not)"


def phrases(*items: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    # Whole words/phrases only ("scam" must not fire on "scampi"); inflections are listed
    # explicitly. (?<!\w)/(?!\w) rather than \b so cues starting with '#' or '-' still work.
    # The leading (?=[\w#]) lets re skip most positions before trying every alternative.
    return re.compile(r"(?=[\w#])(?<!\w)(?:" + "|".join(items) + r")(?!\w)", flags)


# Cue tables read better as tables than one-per-line.
# fmt: off
# Lower-case tables searched in lower-cased text: four times faster than IGNORECASE.
_WORDING = phrases(
    # money
    r"refund(?:s|ed)?", r"charged twice", r"double charged", r"overcharg(?:e|ed|ing)",
    r"bill shock", r"hidden (?:fees?|charges?)", r"scam(?:s|med|mers?)?", r"rip[- ]?off",
    r"cancel(?:l?ed|ling|lation)?", r"money back", r"compensation",
    r"(?:charged|charging|billed|billing) (?:me |us )?(?:extra|for|again|more)",
    r"(?:i|we)(?:['’]ve| have)? paid for",
    # things that do not work
    r"broken", r"outages?", r"power cut", r"(?:is|are|was|been|went|goes|gone) (?:down|off) again",
    r"(?:is|are|been|went|still) down",
    r"(?:no|lost|losing) (?:power|signal|internet|wifi|connection)",
    r"(?:power|internet|broadband|wifi|signal|service|network|electricity|heating|app|site"
    r"|website)(?: \w+)? (?:is|went|goes|gone|has gone|keeps going) (?:out|off|down)",
    rf"(?:not|is{NT}|are{NT}|stopped|stops|stop|keeps? not) working",
    r"no longer (?:works?|working|recogni[sz]\w*|loads?|connects?|shows?|remembers?|lets?"
    r"|supports?)",
    rf"{_AUX} (?:even )?(?:work|load|connect|open|print|charge|start|turn on|sync|install"
    r"|update|download|play|stream|let me|log ?in|sign ?in|accept|recogni[sz]e)",
    r"(?:won['’]?t|wont|will not) (?:let|allow|accept|take|get|go|turn|stop|budge|load|work"
    r"|connect|open|print|start|charge)",
    rf"(?:not|is{NT}|are{NT}|stopped|keeps?) (?:charging|powering|connecting|loading|updating"
    r"|responding|opening|printing|syncing|booting)",
    r"(?:keeps?|kept) (?:crashing|freezing|dropping|failing|cutting out|disconnecting"
    r"|logging me out|getting)",
    r"(?:not|stopped) letting (?:me|us)", r"unable to", r"not able to", r"locked out",
    r"crash(?:es|ed|ing)", r"freez(?:es|ing)", r"glitch(?:es|ed|ing|y)?", r"buggy",
    r"faulty", r"defective", r"damaged", r"smashed", r"cracked", r"ripped", r"falling apart",
    r"(?:error|issue|problem)s? (?:message|again|with)", r"same (?:issue|problem)",
    r"(?:having|have|had) (?:an?|the|this|some|big|major) (?:issue|problem|trouble)",
    r"(?:server )?errors? (?:code|message)", r"server errors?", r"invalid", r"impossible",
    r"unusable", r"(?:banned|suspended|deactivated)",
    r"dirty", r"filthy", r"soggy", r"stale", r"expired", r"mou?ldy",
    # orders gone wrong
    r"(?:has|have|had) disappeared", r"went missing", r"gone missing", r"stolen",
    r"lost (?:my|our) (?:package|parcel|order|luggage|bag|bags|suitcase|data|account)",
    r"(?:sent|sending|send|gave|given|delivered) (?:me |us )?(?:the |a )?wrong",
    r"wrong (?:item|order|size|address|parcel|colou?r)",
    r"missing (?:item|items|parcel|package|order|delivery|refund)",
    r"(?:hours|days|weeks|minutes) late", r"late again", r"(?:delayed|late) (?:again|for)",
    r"(?:was|were|is|are) supposed to",
    r"should(?: have|['’]ve) (?:been|arrived|received|got|come)",
    r"stranded", r"stuck (?:at|in|on|with)",
    # waiting and silence
    rf"still (?:waiting|not|no|nothing|hav(?:e|en['’]?t)|has{NT}|is{NT}|does{NT}|do{NT}"
    rf"|can{NT}|cannot|won['’]?t|broken|down|the same)",
    r"(?:been|was|still|left) (?:waiting|on hold)", r"on hold for",
    r"waiting (?:for )?(?:over|more than|since|hours|days|weeks|ages)",
    r"(?:awaiting|waiting (?:on|for)) (?:a |your |my )?(?:call ?back|reply|response|answer)",
    r"(?:over|more than|almost|nearly) (?:an?|\d+|two|three|four|five|six)"
    r" (?:hours?|days?|weeks?|months?)",
    r"\d+ (?:hours?|days?|weeks?) (?:later|and still|now)",
    r"no (?:response|reply|answer|help|one (?:got|has got|has gotten|came|called|replied))",
    r"(?:no|any|still no) (?:update|response|reply|answer|news)s? yet", r"still no",
    r"any (?:answer|response|reply|update)s? (?:on|to|about) my",
    r"not (?:getting|receiving) (?:any )?(?:response|reply|help|service|support|answer)s?",
    r"without (?:a |any )?(?:response|reply|answer)", r"yet to (?:arrive|receive|hear|be)",
    r"(?:never|nobody|no one) (?:replied|responded|answered|called (?:me )?back|got back)",
    rf"(?:never|not|did{NT}|does{NT}|do{NT}|won['’]?t) (?:call|get|got|write|email|ring)s?"
    r" (?:me |us )?back",
    r"(?:do|does|did) not (?:reply|respond|answer)",
    rf"(?:don|doesn|didn){NT} (?:reply|respond|answer)",
    rf"(?:have|has|had|did)(?:{NT}| not| never) (?:received|arrived|got|gotten|heard|come"
    r"|replied|responded|shown up|turned up)",
    rf"(?:did{NT}|have{NT}|has{NT}|never|not) (?:receive|get)",
    r"never (?:received|arrived|came|showed up|turned up|delivered|got (?:it|my|a))",
    r"ignor(?:ed|ing) (?:me|my|us|our)", r"hung up on", r"hangs? up on",
    r"(?:so many|several|multiple|many|countless|numerous|\d+) (?:times|attempts|calls|emails)",
    r"(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:time|attempt|call|email)",
    r"escalat(?:e|ed|ing)",
    # verdicts
    r"worst", r"terrible", r"awful", r"horrible", r"horrendous", r"appalling", r"atrocious",
    r"pathetic", r"ridiculous", r"unacceptable", r"disgust(?:ed|ing)", r"disgrace(?:ful)?",
    r"shocking", r"rubbish", r"useless", r"unhelpful", r"not (?:at all )?helpful", r"rude",
    r"unprofessional", r"uncooperative", r"dismissive", r"mistreated", r"misleading", r"lied",
    r"incompeten(?:t|ce)", r"shambles", r"nightmare", r"joke of an?", r"what a joke", r"a joke",
    r"(?:absolute|complete|total|utter) (?:joke|disgrace|shambles|nightmare|mess|failure)",
    r"disappoint(?:ed|ing|ment)?", r"let (?:me|us) down", r"letting (?:me|us) down",
    r"(?:so|very|really|getting) (?:frustrated|annoyed|angry|fed up)",
    r"frustrat(?:ed|ing)", r"fed up", r"sick (?:and tired )?of", r"tired of",
    r"waste of (?:time|money)", r"wasted (?:my|an?|hours|days)", r"regret(?:ting|ted)?",
    r"complain(?:t|ts|ing)?", r"fix (?:this|it|your|the)", r"sort (?:it|this) out",
    r"#?(?:epic )?fail", r"smh", r"wtf",
    # leaving
    r"never again", r"last time i", r"never (?:buying|using|ordering|flying|shopping|going back)",
    r"(?:stop|stopping|stopped) (?:using|buying|eating|shopping|ordering|flying)",
    r"another (?:brand|provider|company|bank|carrier|airline)",
    # rhetorical questions
    r"what(?:['’]s| is) going on", r"what gives", r"what(?:['’]s| is) up with (?:that|this)",
    r"are you (?:kidding|serious|joking)", r"how come", r"how dare",
    r"is this (?:normal|acceptable|your (?:policy|protocol))",
    r"how is it (?:that|possible|you)",
    r"how(?:['’]s| is) (?:that|this) (?:fair|ok|okay|acceptable|allowed|possible|right)",
    r"why would you", r"why do i (?:have|need) to", r"why should i",
    rf"why (?:\w+{NT}|cannot|wont)",
    r"why (?:is|are|does|do|did|has|have|was|were|would|will)\b[^.?!\n]{0,80}?"
    rf"(?:\b(?:not|never|no longer|anymore|still|again)\b|\w+{NT}\b)",
    # negated praise
    r"#?not ?(?:happy|impressed|pleased|satisfied|amused|good enough|ok|okay|acceptable)",
    rf"(?:not|is{NT}|was{NT}) (?:fair|right|good enough|acceptable)",
    r"(?:un|dis)(?:happy|satisfied)", r"no(?:t| longer) (?:a )?(?:happy|loyal) customer",
    # fr / es / de, deliberately few and unambiguous
    r"remboursement", r"arnaque", r"toujours pas", r"ne fonctionne pas", r"panne",
    r"reembolso", r"estafa", r"no funciona", r"todav[ií]a no", r"sigue sin",
    r"erstattung", r"betrug", r"funktioniert nicht", r"immer noch nicht", r"k[üu]ndigen",
    flags=0,
)
# Sarcasm: thanks or delight wrapped around something that went wrong.
_SARCASM = phrases(
    r"(?:thanks?|thank you|thx|cheers)(?: @?\w+)?(?: so much| a lot| a bunch| again)?,? for"
    r" (?:nothing|ruining|wasting|ignoring|losing|breaking|cancell?ing|making me wait"
    r"|the (?:delay|wait|runaround)|leaving me)",
    r"thanks? (?:a lot|a bunch|for nothing)[.!]* ?(?:not|really|seriously)",
    r"(?:great|fantastic|brilliant|perfect|wonderful|awesome|lovely|cool|nice|just great)"
    r"[,.!]* (?:another|yet another|again)",
    r"(?:gotta|got to|just|i|don['’]?t you just) love (?:how|when|it when|that)[^.!?\n]{0,80}?"
    rf"\b(?:late|again|still|never|not|no|can{NT}|won['’]?t|another|delayed|waiting|cancel+ed)",
    # "so much for next-day delivery", but not "thanks so much for your help"
    r"(?<!thanks )(?<!thank you )(?<!thx )(?<!you )so much for",
    flags=0,
)
# Angry or let-down faces, thumbs down, face palm, pile of poo.
_EMOJI = re.compile("[\U0001f620\U0001f621\U0001f92c\U0001f624\U0001f44e\U0001f612\U0001f644"
                    "\U0001f61e\U0001f629\U0001f62b\U0001f926\U0001f4a9]")
# fmt: on


def complaint_cue(text: str) -> str | None:
    """The first complaint cue found in ``text`` (links already removed), else None."""
    lowered = text.lower()
    for pattern in (_WORDING, _SARCASM, _EMOJI):
        found = pattern.search(lowered)
        if found:
            return found.group(0)
    return None
