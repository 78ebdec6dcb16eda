"""Deployment files: the nginx configuration, and running it locally from that file."""
