"""The Data Docs index page view, with the project's templates (`include/data_docs/`) before GX's own.

Great Expectations imports this module by name while it builds the site (see data_docs.py); nothing
else should import it, since it imports GX.
"""

from __future__ import annotations

from great_expectations.render.view import DefaultJinjaIndexPageView
from jinja2 import ChoiceLoader, FileSystemLoader

from cchc.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "include" / "data_docs"


class OfflineIndexPageView(DefaultJinjaIndexPageView):
    """GX's index page whose tables are also plain HTML, so the index works where CDNs are blocked."""

    def __init__(self, custom_styles_directory: str | None = None, custom_views_directory: str | None = None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), self.env.loader])
