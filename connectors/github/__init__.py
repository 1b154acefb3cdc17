"""GitHub connector (github.com and Enterprise Server), on the one HTTP layer.

Request budget: a page of up to `page_size` PRs with their labels, reviews and first 100
changed files is one GraphQL request; the further files of PRs with more than 100 cost one
request per 40 such PRs per extra page of 100 (`files`); a run that finds nothing new
costs one search request per stream (plus one to learn the token's login when `login` is
not configured, and one contributions request for design docs).
"""

from connectors.github.config import GitHubConfig
from connectors.github.connector import GitHubConnector

__all__ = ["GitHubConfig", "GitHubConnector"]
