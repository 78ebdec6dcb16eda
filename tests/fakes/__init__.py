"""Test doubles for what the product itself does not stand in for: conversations written
as ingestion would have left them. The platforms' stand-in is the product's sandbox
(inbox/sandbox/)."""
