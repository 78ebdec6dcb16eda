"""Provider webhook endpoints: verify, store the raw delivery, make sure it is ingested, answer."""
