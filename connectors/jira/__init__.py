"""The Jira source: tickets the owner closed, from Jira Cloud or Server / Data Center.

Built on the `jira` package. Inside this package `import jira` is an absolute import
and resolves to that third-party package, not to `connectors.jira`.
"""

from connectors.jira.config import JiraConfig, JiraFields
from connectors.jira.connector import JiraConnector

__all__ = ["JiraConfig", "JiraConnector", "JiraFields"]
