"""The sandbox's page: every reply it received, newest first, and what the customer did.

Served by the sandbox itself rather than the web app: the ledger lives in the sandbox's
memory, the page is the platforms' side of the conversation (what the customer saw), and
it goes away with the sandbox instead of leaving a demo screen in the product.
"""

from __future__ import annotations

from html import escape

from inbox.sandbox.records import Received

REFRESH_SECONDS = 5
_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2330}
h1{font-size:1.3rem;margin:0 0 .2rem} p{margin:.2rem 0 1rem;color:#555}
table{border-collapse:collapse;width:100%} th,td{text-align:left;vertical-align:top;
padding:.35rem .5rem;border-bottom:1px solid #e3e6ec} th{font-weight:600;background:#f5f6f9}
td.text{white-space:pre-wrap;max-width:34rem} .muted{color:#777} code{font-size:12px}
"""


def render(entries: list[Received], *, service_url: str = "", smtp: str = "") -> str:
    rows = "".join(_row(entry) for entry in reversed(entries)) or (
        '<tr><td colspan="6" class="muted">Nothing yet: claim a case in the desk and '
        "reply.</td></tr>")
    where = [f"replies to the service at <code>{escape(service_url)}</code>"] if (
        service_url) else []
    if smtp:
        where.append(f"email through SMTP at <code>{escape(smtp)}</code>")
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">"
        f"<title>Sandbox: {len(entries)} received</title><style>{_STYLE}</style></head><body>"
        "<h1>Sandbox platform</h1>"
        f"<p>What the stand-in for Facebook, Instagram, X, Twilio, email and generic sources "
        f"received; {'; '.join(where) or 'no service set'}. This page refreshes every "
        f"{REFRESH_SECONDS} s; <a href=\"/received.json\">as JSON</a>.</p>"
        "<table><thead><tr><th>#</th><th>when (UTC)</th><th>channel</th><th>what</th>"
        "<th>reply</th><th>the customer</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )


def _row(entry: Received) -> str:
    about = []
    if entry.to:
        about.append(f"to {entry.to}")
    if entry.answers:
        about.append(f"answering {entry.answers}")
    detail = escape(", ".join(about))
    subject = f"<strong>{escape(entry.subject)}</strong>\n" if entry.subject else ""
    answer = escape(entry.answer) if entry.answer else '<span class="muted">-</span>'
    return (
        f"<tr><td>{entry.number}</td><td>{entry.at:%H:%M:%S}</td>"
        f"<td>{escape(entry.channel)}</td>"
        f"<td>{escape(entry.what)}<br><span class=\"muted\">{detail}</span><br>"
        f"<code class=\"muted\">{escape(entry.platform_id)}</code></td>"
        f"<td class=\"text\">{subject}{escape(entry.text)}</td>"
        f"<td>{answer}</td></tr>"
    )
