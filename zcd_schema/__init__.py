"""zcd-schema: Zendesk custom data schemas as code."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/zcd-schema/zcd-schema"
ISSUES_URL = PROJECT_URL + "/issues"
