"""The sandbox: a local stand-in for the platforms replies go to (Meta's Graph API, X,
Twilio, SMTP, a generic source's reply URL), with a page listing what it received and
simulated customers who sometimes answer back. `inbox run --demo` starts one and
connects the demo channels to it; the tests use it as their fake platform.
docs/sandbox.md describes it.
"""

from inbox.sandbox.customers import AnswerPolicy, Customers
from inbox.sandbox.platform import SandboxPlatform
from inbox.sandbox.process import Sandbox, sandbox_environment
from inbox.sandbox.records import Ledger, Received, Recorded, Reply
from inbox.sandbox.smtp import Mail, SmtpReceiver

__all__ = ["AnswerPolicy", "Customers", "Ledger", "Mail", "Received", "Recorded", "Reply",
           "Sandbox", "SandboxPlatform", "SmtpReceiver", "sandbox_environment"]
